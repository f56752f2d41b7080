"""Every figure of each role's dashboard, against the same figures worked out in plain Python
from every request of a seeded dataset (`seed_bulk`): the counts, the work lists (which rows,
in which order, and their totals), the workload, Agency HR's counts by status and the three
charts. How the dashboard computes them (narrower queries, index-only scans) may change;
what it shows may not."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.formats import date_format

from classification.models import ReclassificationRequest
from classification.reports import dashboard as dashboard_module
from classification.reports import dashboard_for
from classification.reports.dashboard_charts import DAY_BUCKETS, _month_starts, _next_month
from classification.workflow import (
    AGENCY_COMMENT,
    DECIDED_STATUSES,
    DRAFT,
    IN_REVIEW,
    INFO_REQUESTED,
    OPEN_STATUSES,
    RECOMMENDED,
    STATUS_LABELS,
    SUBMITTED,
)
from facilities.models import User

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command(
            "seed_bulk",
            facilities=12,
            years=3,
            positions=60,
            requests=240,
            events=1500,
            people=20,
            seed=11,
            today=TODAY,
            stdout=StringIO(),
        )
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def short_lists(monkeypatch):
    """Work lists of two rows, so that which rows come first is compared, not just the set."""
    monkeypatch.setattr(dashboard_module, "WORK_SHOWN", 2)


def open_for(r: ReclassificationRequest) -> timedelta | None:
    if r.submitted_on is None:
        return None
    paused = TODAY - r.paused_since if r.paused_since else timedelta(0)
    return (r.closed_on or TODAY) - r.submitted_on - r.paused_total - paused


def overdue(r: ReclassificationRequest) -> bool:
    days = open_for(r)
    target = timedelta(days=settings.HIM_TURNAROUND_TARGET_DAYS)
    return r.status in OPEN_STATUSES and days is not None and days > target


def oldest_first(rows: list[ReclassificationRequest]) -> list[int]:
    """By open_for, longest first (PostgreSQL puts NULLs first when descending), then pk."""
    rows = sorted(rows, key=lambda r: r.pk)
    rows.sort(key=lambda r: (open_for(r) is not None, -(open_for(r) or timedelta(0))))
    return [r.pk for r in rows[: dashboard_module.WORK_SHOWN]]


def expected_charts(rows: list[ReclassificationRequest]) -> list:
    rows = [r for r in rows if r.status != DRAFT]
    statuses = [s for s in STATUS_LABELS if s != DRAFT]
    grid: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        grid[r.agency.code][r.status] += 1
    by_status = [(code, tuple(grid[code][s] for s in statuses)) for code in sorted(grid)]
    decided = [
        r.days_to_close
        for r in rows
        if r.status in DECIDED_STATUSES and r.submitted_on and r.closed_on
    ]
    days = [
        sum(1 for d in decided if d is not None and d >= low and (high is None or d <= high))
        for low, high in DAY_BUCKETS
    ]
    labels = [f"{low}–{high}" if high is not None else f"{low}+" for low, high in DAY_BUCKETS]
    months = []
    for start in _month_starts(TODAY):
        end = _next_month(start)
        submitted = sum(1 for r in rows if r.submitted_on and start <= r.submitted_on < end)
        closed = sum(
            1
            for r in rows
            if r.status in DECIDED_STATUSES and r.closed_on and start <= r.closed_on < end
        )
        months.append((date_format(start, "M Y"), (submitted, closed)))
    return [
        ("by-status", by_status),
        ("days", [(label, (n,)) for label, n in zip(labels, days, strict=True)]),
        ("by-month", months),
    ]


def charts_of(board) -> list:
    return [(c.slug, [(row.label, row.values) for row in c.rows]) for c in board.charts]


def work_of(board) -> dict:
    return {w.key: ([r.pk for r in w.rows], w.total) for w in board.work}


def dcc_users() -> list[User]:
    """A supervisor, and the analyst holding the most requests in review."""
    busiest = (
        ReclassificationRequest.objects.filter(status=IN_REVIEW)
        .values_list("assigned_to", flat=True)
        .order_by()
    )
    analyst = Counter(busiest).most_common(1)[0][0]
    return [User.objects.get(pk=analyst), User.objects.get(username="bulk-supervisor-0")]


def test_dcc_dashboards(seeded):
    every = list(ReclassificationRequest.objects.select_related("agency"))
    rows = [r for r in every if r.status != DRAFT]
    for user in dcc_users():
        board = dashboard_for(user, today=TODAY)
        mine = [r for r in rows if r.assigned_to_id == user.pk]
        assert board.counts == {
            "mine": sum(1 for r in mine if r.status in OPEN_STATUSES),
            "unassigned": sum(1 for r in rows if r.status == SUBMITTED),
            "overdue": sum(1 for r in rows if overdue(r)),
            "my_overdue": sum(1 for r in mine if overdue(r)),
            "waiting": sum(1 for r in rows if r.status == INFO_REQUESTED),
            "my_waiting": sum(1 for r in mine if r.status == INFO_REQUESTED),
            "awaiting": sum(1 for r in rows if r.status == RECOMMENDED),
            "my_in_review": sum(1 for r in mine if r.status == IN_REVIEW),
            "awaiting_others": sum(
                1 for r in rows if r.status == RECOMMENDED and r.recommended_by_id != user.pk
            ),
        }
        awaiting = [r for r in rows if r.status == RECOMMENDED and r.recommended_by_id != user.pk]
        in_review = [r for r in mine if r.status == IN_REVIEW]
        unassigned = [r for r in rows if r.status == SUBMITTED]
        expected = {
            "mine": (oldest_first(in_review), len(in_review)),
            "unassigned": (oldest_first(unassigned), len(unassigned)),
        }
        if user.is_supervisor:
            expected["awaiting"] = (oldest_first(awaiting), len(awaiting))
        assert work_of(board) == expected
        assert charts_of(board) == expected_charts(rows)
        assert any(n for _label, values in charts_of(board)[2][1] for n in values)
    supervisor = User.objects.get(username="bulk-supervisor-0")
    workload = defaultdict(Counter)
    held = (IN_REVIEW, INFO_REQUESTED, RECOMMENDED)
    for r in rows:
        if r.assigned_to_id and r.status in held:
            workload[r.assigned_to_id][r.status] += 1
            workload[r.assigned_to_id]["overdue"] += overdue(r)
    board = dashboard_for(supervisor, today=TODAY)
    assert {
        w["id"]: (w["in_review"], w["info_requested"], w["recommended"], w["overdue"], w["total"])
        for w in board.workload
    } == {
        pk: (
            c[IN_REVIEW],
            c[INFO_REQUESTED],
            c[RECOMMENDED],
            c["overdue"],
            c[IN_REVIEW] + c[INFO_REQUESTED] + c[RECOMMENDED],
        )
        for pk, c in workload.items()
    }


def test_agency_hr_dashboards(seeded):
    users = User.objects.filter(username__startswith="bulk-hr-", username__endswith="-0")
    assert users.count() > 1
    for user in users:
        rows = [
            r
            for r in ReclassificationRequest.objects.select_related("agency")
            if r.agency_id == user.agency_id and not (r.status == DRAFT and r.employee_id)
        ]
        board = dashboard_for(user, today=TODAY)
        by_status = Counter(r.status for r in rows)
        assert board.by_status == [
            (status, str(label), by_status[status]) for status, label in STATUS_LABELS.items()
        ]
        assert board.counts == {
            "open": sum(by_status[s] for s in OPEN_STATUSES),
            "waiting_on_us": by_status[INFO_REQUESTED],
        }

        def first(status: str, key, rows=rows) -> list[int]:
            found = sorted((r for r in rows if r.status == status), key=lambda r: r.pk)
            return [r.pk for r in sorted(found, key=key)[: dashboard_module.WORK_SHOWN]]

        assert [r.pk for r in board.waiting_on_us] == first(
            INFO_REQUESTED, lambda r: r.paused_since
        )
        assert [r.pk for r in board.awaiting_comment] == first(
            AGENCY_COMMENT, lambda r: r.comment_due_on
        )
        assert work_of(board) == {
            "respond": (first(INFO_REQUESTED, lambda r: r.paused_since), by_status[INFO_REQUESTED]),
            "drafts": (first(DRAFT, lambda r: r.created_at), by_status[DRAFT]),
        }
        assert charts_of(board) == expected_charts(rows)


def test_the_data_has_something_in_each_figure(seeded):
    """The comparisons above compare something: every status and some overdue requests."""
    statuses = set(ReclassificationRequest.objects.values_list("status", flat=True))
    assert statuses == set(STATUS_LABELS)
    analyst, supervisor = dcc_users()
    board = dashboard_for(analyst, today=TODAY)
    assert board.counts["overdue"] and board.counts["my_in_review"] and board.counts["mine"]
    assert dashboard_for(supervisor, today=TODAY).counts["awaiting_others"]
    assert all(w.total for w in board.work)
