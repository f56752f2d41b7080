"""The request tally (decision 0024) stays the count of the requests, whatever writes them: the
workflow's services, a facility moved to another agency, SQL by hand, a delete, the seeder."""

import pytest
from django.db import connection

from classification import services
from classification.models import ReclassificationRequest, RequestTally
from facilities.models import Agency
from tests.classification.factories import PositionFactory, reclassification_in, seed_a_little_bulk
from tests.factories import analyst_user, hr_user
from tests.ops.invariants import rows_breaking

pytestmark = pytest.mark.django_db

RULE = "the request tally counts the requests"


def tally() -> dict:
    return {
        (t.agency.code, t.status, t.days_to_close): t.requests
        for t in RequestTally.objects.select_related("agency")
        if t.requests
    }


def test_the_workflow_moves_a_request_from_row_to_row():
    hr, analyst = hr_user("OMH"), analyst_user()
    r = reclassification_in("draft", hr=hr)
    assert tally() == {("OMH", "draft", None): 1}
    services.submit_reclassification(actor=hr, reclassification_id=r.pk, expected_version=r.version)
    assert tally() == {("OMH", "submitted", None): 1}
    r.refresh_from_db()
    services.take_reclassification(
        actor=analyst, reclassification_id=r.pk, expected_version=r.version
    )
    assert tally() == {("OMH", "in_review", None): 1}
    r.refresh_from_db()
    services.withdraw_reclassification(
        actor=hr, reclassification_id=r.pk, expected_version=r.version, message="No longer needed."
    )
    r.refresh_from_db()
    assert r.days_to_close is not None
    assert tally() == {("OMH", "withdrawn", r.days_to_close): 1}
    assert rows_breaking(RULE) == []


def test_a_facility_moved_to_another_agency_moves_its_requests():
    hr = hr_user("OMH")
    r = reclassification_in("approved", hr=hr, assigned=analyst_user(), decider=analyst_user())
    reclassification_in("submitted", hr=hr, position=None)
    other = Agency.objects.exclude(code="OMH").first()
    facility = r.position.facility
    facility.agency = other
    facility.save()
    assert tally() == {
        (other.code, "approved", r.days_to_close): 1,
        ("OMH", "submitted", None): 1,
    }
    assert rows_breaking(RULE) == []


def test_sql_by_hand_and_deletes_keep_it_exact():
    hr = hr_user("OMH")
    # A bare draft (no events, no files) may be deleted: nothing refers to it.
    position = PositionFactory(facility__agency=hr.agency)
    a = ReclassificationRequest.objects.create(
        position=position,
        current_title=position.title,
        proposed_title=position.title,
        created_by=hr,
    )
    b = reclassification_in("approved", hr=hr, assigned=analyst_user(), decider=analyst_user())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE classification_reclassificationrequest SET days_to_close = 7, status = 'denied'"
            " WHERE id = %s",
            [b.pk],
        )
        # An update that changes nothing counted (the version, the justification).
        cursor.execute(
            "UPDATE classification_reclassificationrequest SET version = version + 1",
        )
    assert tally() == {("OMH", "draft", None): 1, ("OMH", "denied", 7): 1}
    a.delete()
    assert tally() == {("OMH", "denied", 7): 1}
    assert rows_breaking(RULE) == []


def test_a_tally_out_of_step_is_found():
    reclassification_in("submitted", hr=hr_user("OMH"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE classification_requesttally SET requests = requests + 1")
    assert rows_breaking(RULE) != []


def test_the_bulk_seeder_leaves_it_exact():
    seed_a_little_bulk()
    assert sum(tally().values()) == ReclassificationRequest.objects.count() == 40
    assert rows_breaking(RULE) == []
