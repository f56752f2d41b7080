from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Shared plumbing"

    def ready(self) -> None:
        from . import proxies  # noqa: F401 (registers its checks)
