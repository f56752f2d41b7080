"""The position admin: a move writes only the facility, and the position's requests follow it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AgencyFactory, FacilityFactory, UserFactory

from .factories import reclassification_in

pytestmark = pytest.mark.django_db


def test_moving_a_position_writes_only_its_facility(client, cast):
    """The form was read before the save: writing its other columns could put back a title
    an approval changed meanwhile (tests/security/test_races.py races the two)."""
    r = reclassification_in("submitted", hr=cast.hr)
    elsewhere = FacilityFactory(agency=AgencyFactory(code="DOCCS"))
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    data = {
        "item_number": r.position.item_number,
        "facility": elsewhere.pk,
        "active": "on",
        "title_changes-TOTAL_FORMS": "0",
        "title_changes-INITIAL_FORMS": "0",
    }
    url = reverse("admin:classification_position_change", args=[r.position_id])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "classification_position"')]
    assert len(updates) == 1 and "facility_id" in updates[0] and "title_id" not in updates[0]
    r.refresh_from_db()
    assert r.position.facility == elsewhere and r.agency == elsewhere.agency
