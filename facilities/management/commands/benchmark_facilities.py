"""Measure the registry and the import at scale on a development database, then clean up.

    python manage.py benchmark_facilities --facilities 2000 --years 10 --rows 10000

Creates facilities and years of accepted counts, renders the registry at 5 and 50 rows a page
(queries counted), then imports a CSV of `--rows` rows (parse, validate, apply) and imports it
again (nothing to change). The seeded rows are committed and ANALYZEd first, as a real table
would be (inside one uncommitted transaction PostgreSQL has no statistics and plans badly);
everything the command created is deleted at the end. Runs only with DEBUG on.
"""

import csv
import io
import platform
import time

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from facilities import roles, services
from facilities.imports.checking import validate_rows
from facilities.models import (
    Agency,
    AnnualActivity,
    AnnualActivityRevision,
    CountImport,
    Facility,
    User,
)


class Command(BaseCommand):
    help = "Benchmark the facilities registry and count import (rolled back; changes nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--facilities", type=int, default=2000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--rows", type=int, default=10_000)

    def _slowest(self, ctx: CaptureQueriesContext, out) -> None:
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:4]:
            out(f"    {q['time']} s  {q['sql'][:160]}")

    def handle(self, *args, facilities: int, years: int, rows: int, **options) -> None:
        self.verbosity = options["verbosity"]
        out = self.stdout.write
        out(f"machine: {platform.node()} {platform.machine()} {platform.processor() or ''}")
        out(f"database: PostgreSQL {settings.DATABASES['default'].get('NAME')}")
        if not settings.DEBUG:
            raise CommandError("benchmark_facilities writes test data; it runs only with DEBUG on.")
        try:
            self._run(out, facilities, years, rows)
        finally:
            with transaction.atomic():
                bench = Facility.objects.filter(code__startswith="BENCH")
                AnnualActivityRevision.objects.filter(activity__facility__in=bench).delete()
                bench.update(latest_activity=None)
                AnnualActivity.objects.filter(facility__in=bench).delete()
                bench.delete()
                CountImport.objects.filter(created_by__username="benchmark-analyst").delete()
                User.objects.filter(username="benchmark-analyst").delete()
            out("cleaned up")

    def _run(self, out, n_facilities: int, n_years: int, n_rows: int) -> None:
        agency = Agency.objects.get(code="OPWDD")
        analyst, _created = User.objects.get_or_create(username="benchmark-analyst")
        analyst.groups.add(Group.objects.get(name=roles.ANALYST))
        started = time.perf_counter()
        created = Facility.objects.bulk_create(
            Facility(
                agency=agency,
                name=f"Bench DDSOO {i:05d}",
                code=f"BENCH{i:05d}",
                facility_type="ddsoo",
            )
            for i in range(n_facilities)
        )
        first_year = 2025 - n_years
        AnnualActivity.objects.bulk_create(
            (
                AnnualActivity(
                    facility=f,
                    fiscal_year=first_year + y,
                    individuals_served=2_000 + (i * 37 + y * 91) % 6_000,
                    records_activities=200_000 + (i * 53 + y * 17) % 100_000,
                    status="accepted",
                    submitted_by=analyst,
                )
                for i, f in enumerate(created)
                for y in range(n_years)
            ),
            batch_size=2000,
        )
        services.refresh_determinations(f.pk for f in created)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE facilities_facility, facilities_annualactivity")
        out(
            f"seeded {n_facilities} facilities x {n_years} years in {time.perf_counter() - started:.1f} s"
        )

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(analyst)
        url = reverse("facilities:facility_list")
        for per_page in (5, 50):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(f"{url}?per_page={per_page}&sort=-individuals")
                elapsed = time.perf_counter() - started
            assert response.status_code == 200
            if self.verbosity > 1:
                self._slowest(ctx, out)
            out(
                f"list, {per_page} rows a page: {len(ctx.captured_queries)} queries, {elapsed * 1000:.0f} ms"
            )

        # An import of n_rows rows: the next years for as many facilities as needed (all new).
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "facility_code",
                "fiscal_year",
                "individuals_served",
                "records_activities",
                "methodology",
            ]
        )
        per_facility = max(1, -(-n_rows // n_facilities))
        written = 0
        for i, f in enumerate(created):
            for y in range(per_facility):
                if written == n_rows:
                    break
                year = first_year - 1 - y
                writer.writerow([f.code, year, 2_500 + i % 900, 240_000 + y, "benchmark"])
                written += 1
        data = buffer.getvalue().encode()
        out(f"import file: {written} rows, {len(data) / 1024 / 1024:.2f} MB")
        # The same rows with every individuals count one higher: 10,000 corrections.
        lines = data.decode().splitlines()
        bumped = [lines[0]]
        for line in lines[1:]:
            code, fiscal, served, a, note = line.split(",")
            bumped.append(",".join([code, fiscal, str(int(served) + 1), a, note]))
        corrections = ("\n".join(bumped) + "\n").encode()

        for label, payload in (
            ("first import", data),
            ("same file again", data),
            ("every row corrected", corrections),
        ):
            started = time.perf_counter()
            count_import = services.preview_count_import(
                actor=analyst, file_name="bench.csv", data=payload
            )
            parsed = time.perf_counter()
            checked = validate_rows(analyst, count_import.rows)
            validated = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                summary = services.apply_count_import(
                    actor=analyst, count_import=count_import, file_sha256=count_import.file_sha256
                )
            if self.verbosity > 1:
                self._slowest(ctx, out)
            applied = time.perf_counter()
            errors = sum(r.outcome == "error" for r in checked)
            out(
                f"{label}: parse+store {parsed - started:.2f} s, preview validation "
                f"{validated - parsed:.2f} s, confirm (re-validate under lock + apply) "
                f"{applied - validated:.2f} s, total {applied - started:.2f} s; errors {errors}; {summary}"
            )
