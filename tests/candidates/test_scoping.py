"""Deny by default: Agency HR sees and changes only its own agency's people; others get 404."""

from datetime import date

import pytest
from django.urls import reverse

from candidates.selectors import people_visible_to
from tests.candidates.factories import (
    CredentialFactory,
    ExperienceSpellFactory,
    PersonFactory,
    verify,
)
from tests.downloads import download_text
from tests.factories import AgencyFactory, UserFactory, analyst_user, hr_user, supervisor_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    omh = PersonFactory(agency=AgencyFactory(code="OMH"), family_name="Omhperson")
    doccs = PersonFactory(agency=AgencyFactory(code="DOCCS"), family_name="Doccsperson")
    return omh, doccs


@pytest.mark.parametrize(
    ("make_user", "expected"),
    [
        (lambda: hr_user("OMH"), {"Omhperson"}),
        (lambda: hr_user("DOCCS"), {"Doccsperson"}),
        (analyst_user, {"Omhperson", "Doccsperson"}),
        (supervisor_user, {"Omhperson", "Doccsperson"}),
        (UserFactory, set()),
    ],
)
def test_people_visible_to(people, make_user, expected):
    user = make_user()
    assert {p.family_name for p in people_visible_to(user)} == expected


def test_hr_list_shows_only_own_agency(client, people):
    client.force_login(hr_user("OMH"))
    response = client.get(reverse("candidates:person_list"))
    assert response.status_code == 200
    assert "Omhperson" in response.text
    assert "Doccsperson" not in response.text
    # Not even the other agency in the filter's choices.
    assert "DOCCS" not in str(response.context["filter"].form["agency"])


def test_hr_export_shows_only_own_agency(client, people):
    client.force_login(hr_user("OMH"))
    response = client.get(reverse("candidates:person_list") + "?export=csv")
    body = download_text(response)
    assert "Omhperson" in body and "Doccsperson" not in body


def _urls(person, credential, spell, verification):
    return [
        reverse("candidates:person_detail", args=[person.pk]),
        reverse("candidates:person_print", args=[person.pk]),
        reverse("candidates:credential_create", args=[person.pk]),
        reverse("candidates:spell_create", args=[person.pk]),
        reverse("candidates:credential_update", args=[credential.pk]),
        reverse("candidates:spell_update", args=[spell.pk]),
        reverse("candidates:verification_create", args=[credential.pk]),
        reverse("candidates:verification_evidence", args=[verification.pk]),
    ]


def test_other_agencys_objects_are_404_for_hr(client, people):
    _, doccs = people
    credential = CredentialFactory(person=doccs)
    spell = ExperienceSpellFactory(person=doccs)
    verification = verify(credential, analyst_user(), on=date(2025, 1, 1))
    client.force_login(hr_user("OMH"))
    for url in _urls(doccs, credential, spell, verification):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code in {404, 405}, url


def test_hr_may_edit_own_people_but_not_verify(client, people):
    omh, _ = people
    credential = CredentialFactory(person=omh)
    client.force_login(hr_user("OMH"))
    assert (
        client.get(reverse("candidates:credential_update", args=[credential.pk])).status_code == 200
    )
    assert client.get(reverse("candidates:spell_create", args=[omh.pk])).status_code == 200
    verify_url = reverse("candidates:verification_create", args=[credential.pk])
    assert client.get(verify_url).status_code == 403
    assert client.post(verify_url, {}).status_code == 403


@pytest.mark.parametrize(
    ("make_user", "status"),
    [
        (lambda: hr_user("OMH"), 403),
        (analyst_user, 200),
        (supervisor_user, 200),
        (UserFactory, 302),  # no role: sent to the page that says whom to ask
    ],
)
def test_reverification_is_dcc_only(client, make_user, status):
    client.force_login(make_user())
    assert client.get(reverse("candidates:reverification")).status_code == status


def test_user_without_role_cannot_add_people(client):
    client.force_login(UserFactory())
    response = client.get(reverse("candidates:person_create"))
    assert response.status_code == 302 and response["Location"] == reverse("no_access")


def test_hr_adds_people_to_own_agency_only(client):
    user = hr_user("OMH")
    client.force_login(user)
    doccs = AgencyFactory(code="DOCCS")
    response = client.post(
        reverse("candidates:person_create"),
        {"agency": doccs.pk, "given_name": "New", "family_name": "Hire", "employee_id": "N1"},
    )
    assert response.status_code == 302
    person = people_visible_to(user).get(employee_id="N1")
    assert person.agency.code == "OMH"
