from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = "Facilities and agencies"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from common.dbroles import grant_after_migrate

        from . import oidc  # noqa: F401 (registers its checks)

        # Once per migrate, after every app's migrations: the owner grants the site's role.
        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="grant_app_role")
