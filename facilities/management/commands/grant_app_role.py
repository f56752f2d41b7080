from django.core.management.base import BaseCommand

from common.dbroles import OWNER_ALIAS, app_role, grant_app_role


class Command(BaseCommand):
    help = (
        "As the tables' owner, give the site's database role (DATABASE_URL's) what it needs and "
        "no more: no UPDATE or DELETE on the audit tables, no TRUNCATE, owns nothing. "
        "Idempotent; `migrate` runs it too."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default=OWNER_ALIAS, help="the owner's connection")

    def handle(self, *args, database: str, verbosity: int, **options) -> None:
        statements = grant_app_role(database)
        if not statements:
            self.stdout.write(
                f"The site connects as the owner role {app_role()} (no DATABASE_OWNER_URL): "
                "nothing to grant. Give the site a role of its own (docs/operations.md)."
            )
            return
        if verbosity > 1:
            for statement in statements:
                self.stdout.write(f"{statement};")
        self.stdout.write(self.style.SUCCESS(f"Granted the site's role {app_role()} its rights."))
