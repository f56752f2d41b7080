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
def test_recording_events_keeps_one_spell_per_stay():
    """`services.record_event` (every transition's one path) ends the spell the request was in
    and starts the next one, except into a closed status; the invariant catches a lost spell."""
    from datetime import timedelta

    from django.utils import timezone

    from classification.models import StatusSpell
    from classification.services import record_event
    from tests.classification.factories import reclassification_in

    hr = hr_user("OMH")
    r = reclassification_in("draft", hr=hr)  # its create event, 30 days ago
    now = timezone.now()
    for days_ago, status in (
        (10, "submitted"),
        (7, "in_review"),
        (3, "recommended"),
        (1, "denied"),
    ):
        record_event(
            reclassification=r,
            action="submit",
            from_status="",
            to_status=status,
            actor=hr,
            at=now - timedelta(days=days_ago),
        )
    spells = {s.status: s for s in StatusSpell.objects.filter(reclassification=r)}
    assert set(spells) == {"draft", "submitted", "in_review", "recommended"}  # "denied" closes
    assert spells["draft"].ended_at == now - timedelta(days=10)
    assert spells["submitted"].ended_at == now - timedelta(days=7)
    assert spells["in_review"].ended_at == now - timedelta(days=3)
    assert spells["recommended"].ended_at == now - timedelta(days=1)
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
def test_closing_a_request_writes_its_days_to_close():
    """The transition that closes a request writes `days_to_close` (the turnaround reports
    read it): calendar days from submission, less the days the agency was asked for
    information. A value written behind the services' back is found."""
    from datetime import timedelta

    from django.utils import timezone

    from classification import services
    from classification.models import ReclassificationRequest
    from tests.classification.factories import reclassification_in

    hr = hr_user("OMH")
    r = reclassification_in("in_review", hr=hr)
    today = timezone.localdate()
    ReclassificationRequest.objects.filter(pk=r.pk).update(
        submitted_on=today - timedelta(days=30), paused_total=timedelta(days=4)
    )
    services.withdraw_reclassification(
        actor=hr, reclassification_id=r.pk, expected_version=None, message="Reorganized."
    )
    r.refresh_from_db()
    assert (r.closed_on, r.days_to_close) == (today, 26)
    name = "a request's days to close are its dates' difference less its pauses"
    with connection.cursor() as cursor:
        assert name not in violations(cursor)
        cursor.execute(
            "UPDATE classification_reclassificationrequest SET days_to_close = 999 WHERE id = %s",
            [r.pk],
        )
        assert violations(cursor)[name] == [(r.pk,)]
