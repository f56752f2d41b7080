from django.core.management.base import BaseCommand, CommandError

from common.audit import chained_models, first_broken_row


class Command(BaseCommand):
    help = (
        "Check every append-only audit table's hash chain; exit non-zero at the first broken row."
    )

    def handle(self, *args, **options) -> None:
        for model in chained_models():
            broken = first_broken_row(model)
            if broken:
                pk, why = broken
                raise CommandError(f"{model._meta.label} row {pk} does not match: {why}.")
            count = model._default_manager.count()
            self.stdout.write(f"{model._meta.label}: {count} rows, chain intact.")
        self.stdout.write(self.style.SUCCESS("Audit chains intact."))
