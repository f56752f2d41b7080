"""`seed_bulk` at tiny sizes: consistent, chained, reproducible."""

import hashlib
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from classification.models import ReclassificationEvent, ReclassificationRequest
from classification.workflow import OPEN_STATUSES, TRANSITIONS_BY_ACTION
from facilities.models import AnnualActivity, Facility
from facilities.services import refresh_determinations
from tests.ops.invariants import violations

pytestmark = pytest.mark.django_db

SIZES = {
    "facilities": 12,
    "years": 3,
    "positions": 30,
    "requests": 60,
    "events": 500,
    "people": 40,
    "seed": 5,
    "today": date(2026, 6, 15),
}


def seed(**overrides) -> str:
    out = StringIO()
    call_command("seed_bulk", **{**SIZES, **overrides}, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """A digest of what was generated (statuses, events, counts), ids included."""
    rows = [
        *ReclassificationRequest.objects.order_by("pk").values_list(
            "pk", "position_id", "status", "assigned_to_id", "created_at", "closed_on"
        ),
        *ReclassificationEvent.objects.order_by("pk").values_list("row_hash"),
        *AnnualActivity.objects.order_by("pk").values_list(
            "facility_id", "fiscal_year", "individuals_served", "status"
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_sizes_and_consistency():
    seed()
    assert Facility.objects.filter(code__startswith="BULK-").count() == 12
    assert AnnualActivity.objects.count() == 12 * 3
    assert ReclassificationRequest.objects.count() == 60
    assert ReclassificationEvent.objects.count() == 500
    for r in ReclassificationRequest.objects.prefetch_related("events"):
        r.full_clean()  # every check constraint, on every request
        events = sorted(r.events.all(), key=lambda e: (e.at, e.pk))
        assert events[0].action == "create"
        state = "new"
        for e in events:
            transition = TRANSITIONS_BY_ACTION[e.action]
            assert state in transition.sources and e.to_status == transition.target
            state = transition.target
        assert state == r.status
        assert r.version == len(events)
        assert (r.paused_since is not None) == (r.status == "info_requested")
        assert (r.closed_on is None) == (r.status in OPEN_STATUSES)
    with connection.cursor() as cursor:
        assert violations(cursor) == {}


def test_employees_file_some_requests_for_positions_they_hold():
    """Form CC-2E in bulk: employees' requests go through the agency's comment (or DCC
    proceeding after its period), and each employee holds the position they filed for."""
    seed()
    filed = ReclassificationRequest.objects.filter(employee__isnull=False).select_related(
        "position"
    )
    assert filed.exists()
    for r in filed:
        assert r.position.employees.filter(pk=r.employee_id).exists()
        assert r.created_by_id == r.employee_id
        actions = [e.action for e in r.events.order_by("at", "pk")]
        assert "submit" not in actions
        if r.status not in ("draft", "withdrawn") or "file" in actions:
            assert actions[1] == "file" and r.comment_due_on is not None
    assert ReclassificationRequest.objects.filter(employee__isnull=True).exists()


def test_audit_chains_verify():
    seed()
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "ReclassificationEvent: 500 rows, chain intact" in out.getvalue()


def test_stored_determinations_are_current():
    seed()
    columns = ("pk", "warranted_title_code", "determination_year", "trend_state", "needs_review")
    before = list(Facility.objects.order_by("pk").values_list(*columns))
    refresh_determinations(Facility.objects.values_list("pk", flat=True))
    assert list(Facility.objects.order_by("pk").values_list(*columns)) == before
    assert any(code for _pk, code, *_rest in before)


def test_same_seed_same_data_other_seed_other_data():
    digests = []
    for s in (5, 5, 6):
        with transaction.atomic():
            seed(seed=s)
            digests.append(fingerprint())
            transaction.set_rollback(True)
    assert digests[0] == digests[1] != digests[2]


def test_refuses_to_seed_twice():
    seed()
    with pytest.raises(CommandError, match="already"):
        seed()
