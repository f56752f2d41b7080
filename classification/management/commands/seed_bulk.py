"""Fill the database with years of realistic State use (each app's `bulk` module says what and how).

    python manage.py seed_bulk            # 2,000 facilities, 10 years, 20,000 positions,
                                          # 100,000 requests, 1,000,000 events, 20,000 people
    python manage.py seed_bulk --facilities 20 --requests 100 --events 800 --seed 7

The same seed and --today give the same data. Everything is written in one transaction and
refused if bulk data is already there. Rows go in by COPY (about a minute at the defaults).
"""

import random
import time
from datetime import date

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.db.models import Model

from candidates.bulk import seed_people
from candidates.dates import today_in_new_york
from classification.bulk.seed import seed_positions_and_requests
from classification.models import LatestTitleChange, RequestTally
from classification.titles import ensure_titles
from common.dbroles import OWNER_ALIAS
from facilities.bulk import Writer
from facilities.bulk.facilities import PREFIX, Context, seed_facilities, seed_users
from facilities.models import Facility
from facilities.roles import ensure_reference_data

# Tables whose rows the seed updates again and again: the counts the triggers keep by status
# (one update per event), each position's latest title change (one per change) and the
# facilities (their determinations refreshed year after year).
REWRITTEN_IN_PLACE: tuple[type[Model], ...] = (RequestTally, LatestTitleChange, Facility)


class Command(BaseCommand):
    help = "Fill the database with bulk data at the size of years of use (for benchmarks)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--facilities", type=int, default=2_000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--positions", type=int, default=20_000)
        parser.add_argument("--requests", type=int, default=100_000)
        parser.add_argument("--events", type=int, default=1_000_000)
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The date the data ends on (default: today in New York).",
        )

    def handle(self, *args, **o) -> None:
        for name in ("facilities", "years", "positions", "requests", "events", "people"):
            if o[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        if o["facilities"] < 1 or o["years"] < 1:
            raise CommandError("Give at least one facility and one year.")
        if o["people"] < 1:
            raise CommandError("Give at least one person.")
        if Facility.objects.filter(code__startswith=f"{PREFIX}-").exists():
            raise CommandError(
                "Bulk data is already in this database; start from an empty one "
                "(e.g. `manage.py flush` or a fresh database) to seed again."
            )
        started = time.perf_counter()
        ensure_reference_data(apps)
        ensure_titles(apps)
        writer = Writer()
        ctx = Context(
            rng=random.Random(o["seed"]), today=o["today"] or today_in_new_york(), writer=writer
        )
        with transaction.atomic():
            # One COPY of a million events outlasts the site's 15 s statement timeout.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")
            seed_users(ctx)
            self._step("users", started)
            seed_facilities(ctx, n_facilities=o["facilities"], n_years=o["years"])
            self._step("facilities and counts", started)
            people = seed_people(ctx, n_people=o["people"])
            self._step("people", started)
            seed_positions_and_requests(
                ctx,
                n_positions=o["positions"],
                n_requests=o["requests"],
                n_events=o["events"],
                n_years=o["years"],
                people_by_agency=people,
            )
            self._step("positions, requests and events", started)
            writer.finish()
        if not connection.in_atomic_block:
            # Statistics and the visibility map, as autovacuum would leave a live table: the
            # counts then use index-only scans and the planner knows the sizes. As the tables'
            # owner: PostgreSQL skips them, with a warning, for the site's role.
            owner = connections[OWNER_ALIAS]
            with owner.cursor() as cursor:
                # First rewritten compact: rows updated in place again and again in this one
                # transaction, whose old versions no vacuum could reclaim as it went (a live
                # table, vacuumed between writes, stays small). A rewrite has no visibility
                # map, so the plain VACUUM after it covers these tables too.
                for rewritten in REWRITTEN_IN_PLACE:
                    table = owner.ops.quote_name(rewritten._meta.db_table)
                    cursor.execute(f"VACUUM FULL {table}")
                for model in dict.fromkeys([*REWRITTEN_IN_PLACE, *writer.touched]):
                    cursor.execute(f"VACUUM ANALYZE {owner.ops.quote_name(model._meta.db_table)}")
            self._step("vacuum analyze", started)
        for label, count in writer.written.items():
            self.stdout.write(f"  {label}: {count:,}")
        self.stdout.write(
            self.style.SUCCESS(f"Bulk data written in {time.perf_counter() - started:.1f} s.")
        )

    def _step(self, what: str, started: float) -> None:
        if self.verbosity > 1:
            self.stdout.write(f"{time.perf_counter() - started:6.1f} s  {what}")

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)
