from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "Facilities and agencies"

    def ready(self) -> None:
        from . import oidc, proxies, tables2_speedup  # noqa: F401 (oidc, proxies: their checks)

        tables2_speedup.install()
