"""`manage.py migrate` migrates as the tables' owner (the `owner` database, DATABASE_OWNER_URL)
unless told otherwise, and then grants the site's role its rights (common.dbroles)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from common.dbroles import OWNER_ALIAS


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " As the tables' owner (DATABASE_OWNER_URL) by default."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(database=OWNER_ALIAS)
