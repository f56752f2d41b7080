from django.core.management.base import BaseCommand, CommandError

from common.audit import chained_models, first_broken_row
from common.checkpoints import CheckpointError, cuts_since, read_checkpoints


class Command(BaseCommand):
    help = (
        "Check every append-only audit table's hash chain, and each chain's length and last row "
        "against the latest signed checkpoint (checkpoint_audit); exit non-zero on any break."
    )

    def handle(self, *args, **options) -> None:
        problems = []
        for model in chained_models():
            broken = first_broken_row(model)
            if broken:
                pk, why = broken
                problems.append(f"{model._meta.label} row {pk} does not match: {why}.")
                continue
            count = model._default_manager.count()
            self.stdout.write(f"{model._meta.label}: {count} rows, chain intact.")
        try:
            checkpoints, unsigned = read_checkpoints()
        except CheckpointError as error:
            raise CommandError(str(error)) from error
        problems += unsigned
        if checkpoints:
            latest = checkpoints[-1]
            cuts = cuts_since(latest)
            problems += cuts
            if not cuts:
                self.stdout.write(
                    f"Every chain still holds the rows of the latest checkpoint "
                    f"({latest.at.isoformat(timespec='seconds')}, line {latest.line})."
                )
        else:
            self.stdout.write(
                "No signed checkpoint yet: rows removed from the end of a chain would not be "
                "seen. Schedule checkpoint_audit (docs/operations.md)."
            )
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The audit trail is not intact: {len(problems)} problem(s), written above."
            )
        self.stdout.write(self.style.SUCCESS("Audit chains intact."))
