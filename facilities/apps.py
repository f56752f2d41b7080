from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "Facilities and agencies"

    def ready(self) -> None:
        from . import tables2_speedup

        tables2_speedup.install()
