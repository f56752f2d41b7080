from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "Facilities and agencies"

    def ready(self) -> None:
        from . import proxies, tables2_speedup  # noqa: F401 (proxies registers its checks)

        tables2_speedup.install()
