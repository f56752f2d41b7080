"""Send request email still queued (or failed, with --retry-failed): the database is the queue."""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from classification.models import EmailLog
from classification.tasks import deliver


class Command(BaseCommand):
    help = "Send EmailLog rows still queued (and failed ones with --retry-failed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--retry-failed", action="store_true", help="Retry failed email too.")
        parser.add_argument("--max-attempts", type=int, default=5)
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            help="Seconds a queued row waits first (its own on-commit task usually sends it).",
        )
        parser.add_argument("--loop", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args, **options) -> None:
        while True:
            self.run_once(options)
            if not options["loop"]:
                return
            time.sleep(options["loop"])

    def run_once(self, options) -> None:
        cutoff = timezone.now() - timedelta(seconds=options["older_than"])
        wanted = Q(status=EmailLog.Status.QUEUED, created_at__lte=cutoff)
        if options["retry_failed"]:
            wanted |= Q(status=EmailLog.Status.FAILED)
        ids = list(
            EmailLog.objects.filter(wanted, attempts__lt=options["max_attempts"])
            .order_by("created_at")
            .values_list("pk", flat=True)[:500]
        )
        outcomes = [deliver(pk) for pk in ids]
        self.stdout.write(
            f"{outcomes.count('sent')} sent, {outcomes.count('failed')} failed, "
            f"{outcomes.count('skipped')} skipped."
        )
