"""The invariant queries (tests/ops/invariants.py) run on both databases and catch what they guard."""

import pytest
from django.db import IntegrityError, connection, transaction

from tests.factories import AnnualActivityFactory, hr_user
from tests.ops.invariants import INVARIANTS, violations
from tests.ops.rows import fill_every_table


@pytest.mark.django_db
def test_a_consistent_database_breaks_no_invariant():
    fill_every_table()
    with connection.cursor() as cursor:
        assert violations(cursor) == {}


@pytest.mark.django_db
def test_an_agency_hr_user_without_agency_is_found():
    user = hr_user("OMH")
    with connection.cursor() as cursor:
        # As a bad write with SQL would leave it: no form, no service, no clean().
        cursor.execute("UPDATE facilities_user SET agency_id = NULL WHERE id = %s", [user.pk])
        assert violations(cursor) == {"every Agency HR user has an agency": [(user.pk,)]}


@pytest.mark.django_db
def test_the_database_itself_refuses_negative_counts():
    """The first invariant is belt and braces: the column's CHECK refuses it before the query can."""
    counts = AnnualActivityFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE facilities_annualactivity SET records_activities = -1 WHERE id = %s",
            [counts.pk],
        )


def test_every_invariant_has_a_name_and_a_select():
    for name, query in INVARIANTS.items():
        assert name and query.strip().upper().startswith("SELECT")


@pytest.mark.django_db
def test_a_status_changed_behind_the_workflow_is_found():
    """A request whose status was set with SQL no longer matches its last event."""
    from classification import services
    from tests.classification.factories import reclassification_in

    hr = hr_user("OMH")
    r = reclassification_in("draft", hr=hr)
    services.submit_reclassification(actor=hr, reclassification_id=r.pk, expected_version=r.version)
    with connection.cursor() as cursor:
        assert violations(cursor) == {}
        cursor.execute(
            "UPDATE classification_reclassificationrequest SET status = 'withdrawn' WHERE id = %s",
            [r.pk],
        )
        found = violations(cursor)
    assert found["a request's status is the status its last event moved it to"] == [(r.pk,)]


@pytest.mark.django_db
def test_spells_follow_the_events_whatever_order_they_are_written_in():
    """The trigger of migration 0007 keeps one spell per event into an open status, ending at
    the request's next event, when events arrive late (an earlier `at` than the last one)."""
    from datetime import timedelta

    from django.utils import timezone

    from classification.models import ReclassificationEvent, StatusSpell
    from tests.classification.factories import reclassification_in

    hr = hr_user("OMH")
    r = reclassification_in("draft", hr=hr)  # its create event, now
    now = timezone.now()
    for days_ago, status in (
        (10, "submitted"),
        (3, "recommended"),
        (7, "in_review"),
        (1, "denied"),
    ):
        ReclassificationEvent.objects.create(
            reclassification=r,
            action="submit",
            to_status=status,
            actor=hr,
            at=now - timedelta(days=days_ago),
        )
    spells = {s.status: s for s in StatusSpell.objects.filter(reclassification=r)}
    assert set(spells) == {"draft", "submitted", "in_review", "recommended"}  # "denied" closes
    assert spells["submitted"].ended_at == now - timedelta(days=7)  # ended by a later insert
    assert spells["in_review"].ended_at == now - timedelta(days=3)
    assert spells["recommended"].ended_at == now - timedelta(days=1)
    assert spells["draft"].ended_at is None  # the create event is the latest: still running
    # (These events skip the workflow, so only the spell invariants apply to them.)
    name = "each event into an open status has its spell, ending at the next event"
    with connection.cursor() as cursor:
        found = violations(cursor)
        assert name not in found and "events into a closed status have no spell" not in found
        cursor.execute("DELETE FROM classification_statusspell WHERE status = 'in_review'")
        found = violations(cursor)
    assert len(found[name]) == 1


@pytest.mark.django_db
def test_a_request_follows_its_position_to_another_agency():
    """The request's stored agency (scoping and counts read it) is kept by the database when a
    position moves to another agency's facility, or a facility to another agency."""
    from classification.models import ReclassificationRequest
    from classification.selectors import reclassifications_visible_to
    from facilities.models import Agency
    from tests.classification.factories import reclassification_in
    from tests.factories import FacilityFactory

    omh, doccs = hr_user("OMH"), hr_user("DOCCS")
    r = reclassification_in("submitted", hr=omh)
    assert r.agency.code == "OMH"

    def agency_of() -> str:
        return ReclassificationRequest.objects.get(pk=r.pk).agency.code

    position = r.position
    position.facility = FacilityFactory(agency=doccs.agency)
    position.save()  # as the admin's change form would
    assert agency_of() == "DOCCS"
    assert list(reclassifications_visible_to(doccs)) == [r]
    assert not reclassifications_visible_to(omh).exists()

    facility = position.facility
    facility.agency = Agency.objects.get(code="OPWDD")
    facility.save()
    assert agency_of() == "OPWDD"

    with connection.cursor() as cursor:  # even a raw write of a wrong agency is put right
        cursor.execute(
            "UPDATE classification_reclassificationrequest SET agency_id = %s WHERE id = %s",
            [omh.agency_id, r.pk],
        )
        assert agency_of() == "OPWDD"
        # (The factory writes only the create event: only the agency invariant applies.)
        assert "a request's agency is its position's facility's agency" not in violations(cursor)


@pytest.mark.django_db
def test_days_to_close_follow_the_dates_whatever_writes_them():
    """The trigger of migration 0006 keeps `days_to_close` (the turnaround reports read it)."""
    from datetime import timedelta

    from classification.models import ReclassificationRequest
    from tests.classification.factories import reclassification_in

    r = reclassification_in("withdrawn", hr=hr_user("OMH"))

    def days() -> int | None:
        return ReclassificationRequest.objects.values_list("days_to_close", flat=True).get(pk=r.pk)

    r.submitted_on = r.closed_on - timedelta(days=30)
    r.paused_total = timedelta(days=4)
    r.save()
    assert days() == 26
    ReclassificationRequest.objects.filter(pk=r.pk).update(paused_total=timedelta(0))
    assert days() == 30
    with connection.cursor() as cursor:  # a hand-written value does not stick
        cursor.execute(
            "UPDATE classification_reclassificationrequest SET days_to_close = 999 WHERE id = %s",
            [r.pk],
        )
    assert days() == 30
    ReclassificationRequest.objects.filter(pk=r.pk).update(closed_on=None)
    assert days() is None


# The triggers that keep derived data (docs/decisions/0010). On SQLite a migration that rebuilds
# a table (most AlterFields) silently drops the table's triggers: this catches it.
DERIVED_DATA_TRIGGERS = {
    "both": [
        "classification_reclassificationrequest_days",
        "classification_reclassificationrequest_agency",
        "classification_reclassificationevent_spell",
        "classification_position_moved",
        "facilities_facility_moved",
    ],
    "sqlite": [
        "classification_reclassificationrequest_days_update",
        "classification_reclassificationrequest_agency_update",
    ],
}


@pytest.mark.django_db
def test_the_triggers_that_keep_derived_data_exist():
    expected = set(DERIVED_DATA_TRIGGERS["both"])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            expected |= set(DERIVED_DATA_TRIGGERS["sqlite"])
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        found = {row[0] for row in cursor.fetchall()}
    assert expected <= found, sorted(expected - found)
