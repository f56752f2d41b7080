"""Measure the dashboard and the reports on a large, made-up workload.

    createdb him_reports_bench
    DATABASE_URL=postgres://…/him_reports_bench python manage.py migrate
    DATABASE_URL=postgres://…/him_reports_bench python manage.py benchmark_reports \\
        --scratch-database --facilities 2000 --requests 20000

Bulk-creates facilities with chief positions, requests in every status spread over two years,
and their events (chained through `bulk_append`), commits and ANALYZEs them, then renders each
page several times per role through the test client and prints queries and the median time.
Events are append-only (PostgreSQL refuses DELETE), so nothing is cleaned up: run it on a
throwaway database only (`--scratch-database` says you are). Runs only with DEBUG on.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classification.models import (
    Position,
    ReclassificationEvent,
    ReclassificationRequest,
    StatusSpell,
    Title,
)
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    TECHNICIAN_1,
    TECHNICIAN_2,
)
from classification.workflow import CLOSED_STATUSES
from facilities import roles
from facilities.models import Agency, AnnualActivity, Facility, User, current_fiscal_year

PAGES = [
    ("dashboard", "/", ("analyst", "supervisor", "hr")),
    ("drift report", "/reports/drift/", ("analyst", "hr")),
    ("turnaround report", "/reports/turnaround/", ("analyst",)),
    ("reassignment", "/reports/reassignment/", ("supervisor",)),
    ("registry, drift filter", "/facilities/?drift=any", ("analyst",)),
]
TYPES = ["ddsoo", "adult_pc_freestanding", "doccs_rmu", "childrens_pc_freestanding", "other"]
# (status, share) of the made-up requests
MIX = [
    ("approved", 0.45),
    ("denied", 0.15),
    ("withdrawn", 0.08),
    ("submitted", 0.1),
    ("in_review", 0.12),
    ("info_requested", 0.05),
    ("recommended", 0.05),
]
PATH = {
    "submitted": ["submitted"],
    "in_review": ["submitted", "in_review"],
    "info_requested": ["submitted", "in_review", "info_requested"],
    "recommended": ["submitted", "in_review", "info_requested", "in_review", "recommended"],
    "approved": ["submitted", "in_review", "info_requested", "in_review", "recommended"],
    "denied": ["submitted", "in_review", "recommended"],
    "withdrawn": ["submitted"],
}
ACTION = {
    "submitted": "submit",
    "in_review": "take",
    "info_requested": "request_information",
    "recommended": "recommend",
    "approved": "approve",
    "denied": "deny",
    "withdrawn": "withdraw",
}


class Command(BaseCommand):
    help = "Benchmark the dashboard and reports on bulk data (writes; scratch databases only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--facilities", type=int, default=2000)
        parser.add_argument("--requests", type=int, default=20_000)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--scratch-database", action="store_true")
        parser.add_argument("--measure-only", action="store_true")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("benchmark_reports writes made-up data; it runs only with DEBUG on.")
        if not options["scratch_database"]:
            raise CommandError(
                "Events cannot be deleted: pass --scratch-database on a throwaway DB."
            )
        out = self.stdout.write
        rng = random.Random(7)
        if not options["measure_only"]:
            started = time.perf_counter()
            self._seed(rng, options["facilities"], options["requests"])
            out(f"seeded in {time.perf_counter() - started:.1f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        out(
            f"rows: {Facility.objects.count()} facilities, "
            f"{ReclassificationRequest.objects.count()} requests, "
            f"{ReclassificationEvent.objects.count()} events"
        )
        users = {
            "analyst": User.objects.get(username="bench-analyst-0"),
            "supervisor": User.objects.get(username="bench-supervisor"),
            "hr": User.objects.get(username="bench-hr"),
        }
        out("| page | role | queries | median ms | max ms |")
        out("|---|---|---:|---:|---:|")
        for name, path, page_roles in PAGES:
            for role in page_roles:
                client = Client(HTTP_HOST="localhost")
                client.force_login(users[role])
                client.get(path)  # warm-up
                times = []
                for _ in range(options["repeat"]):
                    with CaptureQueriesContext(connection) as ctx:
                        began = time.perf_counter()
                        response = client.get(path)
                        times.append((time.perf_counter() - began) * 1000)
                    assert response.status_code == 200, (path, role, response.status_code)
                out(
                    f"| {name} | {role} | {len(ctx.captured_queries)} | "
                    f"{statistics.median(times):.0f} | {max(times):.0f} |"
                )

    @transaction.atomic
    def _seed(self, rng: random.Random, n_facilities: int, n_requests: int) -> None:
        agencies = list(Agency.objects.order_by("code"))
        titles = {t.code: t for t in Title.objects.all()}
        groups = {g.name: g for g in Group.objects.all()}

        def user(username: str, group: str, agency=None, active=True) -> User:
            u, _ = User.objects.get_or_create(
                username=username, defaults={"agency": agency, "is_active": active}
            )
            u.groups.add(groups[group])
            return u

        analysts = [user(f"bench-analyst-{i}", roles.ANALYST) for i in range(12)]
        analysts.append(user("bench-analyst-gone", roles.ANALYST, active=False))
        supervisor = user("bench-supervisor", roles.SUPERVISOR)
        omh = next(a for a in agencies if a.code == "OMH")
        hr = user("bench-hr", roles.AGENCY_HR, agency=omh)
        hrs = {
            a.pk: user(f"bench-hr-{a.code.lower()}", roles.AGENCY_HR, agency=a) for a in agencies
        }
        hrs[omh.pk] = hr

        admin_codes = [ADMINISTRATOR_1, ADMINISTRATOR_2, ADMINISTRATOR_3]
        facilities = Facility.objects.bulk_create(
            Facility(
                agency=agencies[i % len(agencies)],
                name=f"Bench facility {i:05d}",
                code=f"BENCH{i:05d}",
                facility_type=TYPES[i % len(TYPES)],
                warranted_title_code=rng.choice(admin_codes),
                trend_state="watch" if i % 40 == 0 else "",
            )
            for i in range(n_facilities)
        )
        # Counts for the last completed fiscal year at nine facilities in ten, as in life.
        last_year = current_fiscal_year() - 1
        AnnualActivity.objects.bulk_create(
            AnnualActivity(
                facility=f,
                fiscal_year=last_year,
                individuals_served=rng.randint(500, 9000),
                records_activities=rng.randint(50_000, 400_000),
                status="accepted",
            )
            for i, f in enumerate(facilities)
            if i % 10
        )
        positions = Position.objects.bulk_create(
            Position(
                item_number=f"B{f.pk:05d}-{k}",
                facility=f,
                title=titles[rng.choice(admin_codes) if k == 0 else TECHNICIAN_1],
            )
            for f in facilities
            # Room for every open request on its own position (one open request per position).
            for k in range(max(6, n_requests * 2 // 5 // n_facilities + 2))
        )
        technicians = [p for p in positions if not p.item_number.endswith("-0")]
        today = timezone.localdate()
        statuses = rng.choices([s for s, _ in MIX], weights=[w for _, w in MIX], k=n_requests)
        open_positions = iter(rng.sample(technicians, len(technicians)))
        requests, plans = [], []
        for status in statuses:
            is_open = status in ("submitted", "in_review", "info_requested", "recommended")
            position = next(open_positions) if is_open else rng.choice(technicians)
            submitted_on = today - timedelta(days=rng.randint(1, 730))
            days = rng.randint(3, 90)
            paused = rng.choice([0, 0, 0, 4, 9])
            closed_on = min(today, submitted_on + timedelta(days=days + paused))
            analyst = rng.choice(analysts)
            r = ReclassificationRequest(
                position=position,
                agency_id=position.facility.agency_id,
                current_title=titles[TECHNICIAN_1],
                proposed_title=titles[rng.choice([TECHNICIAN_2, ADMINISTRATOR_1])],
                status=status,
                created_by=hrs[position.facility.agency_id],
                submitted_on=submitted_on,
                submitted_at=timezone.make_aware(
                    datetime.combine(submitted_on, datetime.min.time())
                ),
                paused_total=timedelta(days=paused),
                paused_since=submitted_on if status == "info_requested" else None,
                closed_on=closed_on if status in ("approved", "denied", "withdrawn") else None,
                assigned_to=analyst
                if status in ("in_review", "info_requested", "recommended", "approved", "denied")
                else None,
            )
            if status in ("recommended", "approved", "denied"):
                r.recommendation = "approve"
                r.recommended_by = analyst
                r.recommended_title = r.proposed_title
            if status in ("approved", "denied"):
                r.decided_by = supervisor
                assert r.submitted_at is not None  # set above
                r.decided_at = r.submitted_at + timedelta(days=days + paused)
            r.days_to_close = r.closing_days()
            requests.append(r)
            plans.append((status, submitted_on, days + paused, analyst))
        requests = ReclassificationRequest.objects.bulk_create(requests, batch_size=2000)
        events = []
        for r, (status, submitted_on, span, analyst) in zip(requests, plans, strict=True):
            start = timezone.make_aware(datetime.combine(submitted_on, datetime.min.time()))
            steps = ["draft", *PATH[status]]
            if status in ("approved", "denied", "withdrawn"):
                steps.append(status)
            previous = ""
            for i, step in enumerate(steps):
                events.append(
                    ReclassificationEvent(
                        reclassification=r,
                        action="create" if step == "draft" else ACTION[step],
                        from_status=previous,
                        to_status=step,
                        actor=r.created_by if step in ("draft", "submitted") else analyst,
                        at=start + timedelta(days=span * i / len(steps), hours=i),
                    )
                )
                previous = step
        ReclassificationEvent.bulk_append(events)
        # The spells the services would have written with these events (each request's events
        # are together and in time order).
        StatusSpell.objects.bulk_create(
            (
                StatusSpell(
                    event=event,
                    reclassification_id=event.reclassification_id,
                    status=event.to_status,
                    started_at=event.at,
                    ended_at=following.at
                    if following and following.reclassification_id == event.reclassification_id
                    else None,
                )
                for event, following in zip(events, [*events[1:], None], strict=True)
                if event.to_status not in CLOSED_STATUSES
            ),
            batch_size=5000,
        )
