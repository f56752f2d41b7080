"""Make due title changes take effect: run daily, just after midnight New York time."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from candidates.dates import today_in_new_york
from classification.services import apply_due_title_changes


class Command(BaseCommand):
    help = (
        "Give every position the title its history puts in effect today (New York date), or "
        "on --date. Safe to run again or twice at once: each position changes once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date", help="The New York date to apply, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, **options) -> None:
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else today_in_new_york()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        changed = apply_due_title_changes(on=on)
        for position in changed:
            self.stdout.write(f"{position.item_number}: now {position.title.name}")
        self.stdout.write(f"{len(changed)} title change(s) took effect on {on.isoformat()}.")
