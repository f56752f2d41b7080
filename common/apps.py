from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Shared plumbing"

    def ready(self) -> None:
        from . import proxies, tables2_speedup  # noqa: F401 (proxies registers its checks)

        tables2_speedup.install()
