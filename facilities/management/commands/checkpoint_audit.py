from django.core.management.base import BaseCommand, CommandError

from common.checkpoints import CheckpointError, write_checkpoint


class Command(BaseCommand):
    help = (
        "Append a signed checkpoint of each audit chain's length and last row to "
        "HIM_AUDIT_CHECKPOINT_FILE (run on a schedule; verify_audit compares against it). "
        "Refused if the chains were cut since the last checkpoint."
    )

    def handle(self, *args, **options) -> None:
        try:
            path, heads = write_checkpoint()
        except CheckpointError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{label} {head.rows}" for label, head in heads.items())
        self.stdout.write(self.style.SUCCESS(f"Checkpoint appended to {path}: {counts} rows."))
