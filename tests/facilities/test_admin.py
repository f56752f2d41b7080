"""The Django admin: facilities editable (determination follows), counts and history read-only."""

import pytest
from django.urls import reverse

from facilities.models import Facility
from tests.factories import FacilityFactory, UserFactory, analyst_user, hr_user

from .helpers import counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_changing_the_type_in_the_admin_refreshes_the_determination(admin_client):
    facility = FacilityFactory(agency__code="OPWDD", facility_type="ddsoo", code="DDX")
    counts(facility, hr_user("OPWDD"), 2024, 8_000, 1, accept_by=analyst_user())
    facility.refresh_from_db()
    assert facility.warranted_title_code == "3616530"
    url = reverse("admin:facilities_facility_change", args=[facility.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {
        "agency": facility.agency_id,
        "name": facility.name,
        "code": facility.code,
        "facility_type": "doccs_rmu",
        "active": "on",
        "region": "",
        "address": "",
        "host_facility": "",
        "activities-TOTAL_FORMS": "1",
        "activities-INITIAL_FORMS": "1",
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    facility = Facility.objects.get(pk=facility.pk)
    assert (facility.facility_type, facility.warranted_title_code, facility.trend_state) == (
        "doccs_rmu",
        "3616510",
        "",
    )


@pytest.mark.parametrize("model", ["annualactivity", "annualactivityrevision"])
def test_counts_and_history_are_read_only_in_the_admin(admin_client, model):
    facility = FacilityFactory(agency__code="OPWDD", facility_type="ddsoo")
    activity = counts(facility, hr_user("OPWDD"), 2024, 1, 1)
    obj = activity if model == "annualactivity" else activity.revisions.get()
    assert admin_client.get(reverse(f"admin:facilities_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:facilities_{model}_add")).status_code == 403
    assert (
        admin_client.get(reverse(f"admin:facilities_{model}_delete", args=[obj.pk])).status_code
        == 403
    )
    change = admin_client.post(reverse(f"admin:facilities_{model}_change", args=[obj.pk]), {})
    assert change.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_agencys_personnel_office_is_edited_in_the_admin(admin_client):
    """Decision letters are addressed to the personnel office the admin records."""
    from facilities.models import Agency

    agency = Agency.objects.get(code="OMH")
    url = reverse("admin:facilities_agency_change", args=[agency.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="personnel_office"' in page and 'name="personnel_address"' in page
    response = admin_client.post(
        url,
        {
            "code": "OMH",
            "name": agency.name,
            "personnel_office": "Human Resources Management Group",
            "personnel_address": "44 Holland Avenue, 2nd Floor\r\nAlbany, New York 12229",
        },
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.personnel_office == "Human Resources Management Group"
    assert agency.personnel_address.splitlines()[0] == "44 Holland Avenue, 2nd Floor"


def test_a_users_job_title_is_on_the_admin_form(admin_client):
    """The signature block of a letter prints the decider's job title, set here."""
    user = analyst_user(username="titled")
    page = admin_client.get(reverse("admin:facilities_user_change", args=[user.pk]))
    assert 'name="job_title"' in page.content.decode()
