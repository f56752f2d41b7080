"""Experience spells and credentials: bad input comes back as clear form errors; nothing saved."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from candidates.dates import today_in_new_york
from candidates.models import ExperienceSpell
from tests.candidates.factories import ExperienceSpellFactory, PersonFactory
from tests.factories import AgencyFactory, analyst_user, hr_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return PersonFactory(agency=AgencyFactory(code="OMH"))


def spell_data(**overrides):
    data = {
        "employer": "Rockland PC",
        "title": "HIM Technician 1",
        "start": "2022-01-01",
        "end": "",
        "hours_per_week": "37.5",
        "him": "on",
        "note": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start": "2022-05-01", "end": "2022-04-30"}, "end", "ends before it starts"),
        ({"hours_per_week": "0"}, "hours_per_week", "more than 0 and at most 80"),
        ({"hours_per_week": "-5"}, "hours_per_week", "more than 0 and at most 80"),
        ({"hours_per_week": "80.25"}, "hours_per_week", "more than 0 and at most 80"),
        (
            {"start": (date.today() + timedelta(days=400)).isoformat()},
            "start",
            "The start date cannot be in the future",
        ),
        ({"start": "not a date"}, "start", "valid date"),
    ],
)
@pytest.mark.parametrize("make_user", [lambda: hr_user("OMH"), analyst_user])
def test_spell_errors_are_clear(client, person, make_user, overrides, field, message):
    client.force_login(make_user())
    response = client.post(
        reverse("candidates:spell_create", args=[person.pk]), spell_data(**overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not ExperienceSpell.objects.exists()


def test_valid_spell_is_saved(client, person):
    client.force_login(hr_user("OMH"))
    response = client.post(
        reverse("candidates:spell_create", args=[person.pk]), spell_data(hours_per_week="80")
    )
    assert response.status_code == 302
    assert ExperienceSpell.objects.get().hours_per_week == 80


def test_spell_starting_today_is_fine(client, person):
    client.force_login(hr_user("OMH"))
    today = today_in_new_york().isoformat()
    response = client.post(
        reverse("candidates:spell_create", args=[person.pk]), spell_data(start=today)
    )
    assert response.status_code == 302


def test_stale_spell_form_is_a_conflict(client, person):
    spell = ExperienceSpellFactory(person=person)
    client.force_login(hr_user("OMH"))
    url = reverse("candidates:spell_update", args=[spell.pk])
    stale = spell_data(title="Changed", version=spell.version)
    assert client.post(url, spell_data(title="First", version=spell.version)).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "changed this record" in str(response.context["form"].non_field_errors())
    spell.refresh_from_db()
    assert spell.title == "First"


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"end": date(2019, 1, 1)}, "spell_ends_after_start"),
        ({"hours_per_week": 0}, "spell_hours_in_range"),
        ({"hours_per_week": 81}, "spell_hours_in_range"),
    ],
)
def test_database_guards_spells(person, values, name):
    with pytest.raises(IntegrityError, match=name):
        ExperienceSpellFactory(person=person, start=date(2020, 1, 1), **values)


def test_credential_errors_are_clear(client, person):
    client.force_login(hr_user("OMH"))
    url = reverse("candidates:credential_create", args=[person.pk])
    response = client.post(
        url,
        {
            "kind": "RHIT",
            "awarded_on": "2022-01-01",
            "valid_through": "2021-01-01",
            "status": "active",
        },
    )
    assert "before its award" in " ".join(response.context["form"].errors["valid_through"])
    ok = {"kind": "RHIT", "awarded_on": "2022-01-01", "status": "active"}
    assert client.post(url, ok).status_code == 302
    again = client.post(url, ok)
    assert again.status_code == 200
    assert again.context["form"].errors


def test_person_edit_moves_the_degree_window_and_refuses_stale_forms(client, person):
    client.force_login(hr_user("OMH"))
    url = reverse("candidates:person_update", args=[person.pk])
    data = {
        "given_name": "Casey",
        "family_name": "Moved",
        "employee_id": person.employee_id,
        "degree_date": "2018-05-20",
        "version": person.version,
        "agency": AgencyFactory(code="DOCCS").pk,  # ignored: not an edit
    }
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert (person.family_name, person.degree_date, person.agency.code) == (
        "Moved",
        date(2018, 5, 20),
        "OMH",
    )
    response = client.post(url, {**data, "family_name": "Stale"})
    assert "changed this record" in str(response.context["form"].non_field_errors())
    client.force_login(hr_user("DOCCS"))
    assert client.get(url).status_code == 404


def test_spell_removal_confirms_then_deletes(client, person):
    spell = ExperienceSpellFactory(person=person)
    url = reverse("candidates:spell_delete", args=[spell.pk])
    client.force_login(hr_user("DOCCS"))
    assert client.post(url, {"version": spell.version}).status_code == 404
    client.force_login(hr_user("OMH"))
    assert "Remove" in client.get(url).text
    assert ExperienceSpell.objects.filter(pk=spell.pk).exists()  # GET changes nothing
    stale = client.post(url, {"version": spell.version + 1}, follow=True)
    assert "changed this record" in stale.text
    assert client.post(url, {"version": spell.version}).status_code == 302
    assert not ExperienceSpell.objects.filter(pk=spell.pk).exists()
