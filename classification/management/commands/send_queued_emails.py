"""The email worker: sends the outbox (`classification.outbox`), once or as a service."""

import signal
import threading

from django.core.management.base import BaseCommand

from classification.outbox import run_worker, send_due


class Command(BaseCommand):
    help = (
        "Send the email that is due (queued, or due again after a failure). With --loop, keep "
        "polling until SIGTERM or Ctrl-C: the background worker beside the web server."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="Run as a worker until stopped.")
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="Seconds between polls when nothing is due (with --loop; default 5).",
        )

    def handle(self, *args, **options) -> None:
        if not options["loop"]:
            self.report(send_due())
            return
        stop = threading.Event()

        def finish(signum, frame) -> None:
            # Finish the message in hand (at most EMAIL_TIMEOUT_SECONDS), then stop.
            stop.set()

        previous = {sig: signal.signal(sig, finish) for sig in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write(f"Email worker started (polling every {options['interval']:g} s).")
        try:
            run_worker(interval=options["interval"], stop=stop, on_batch=self.report)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Email worker stopped.")

    def report(self, counts: dict[str, int]) -> None:
        self.stdout.write(
            ", ".join(f"{counts.get(k, 0)} {k}" for k in ("sent", "retry", "failed", "lost"))
        )
