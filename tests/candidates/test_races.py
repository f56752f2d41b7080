"""A person moved to another agency while Agency HR's form was on its way: the service asks the
permission again on the row it has locked, so the stale copy the view read cannot let the save
through. The move is made right after the view's read, through `connection.execute_wrapper`,
as in tests/ops/test_races.py."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from candidates.models import Credential, ExperienceSpell, Person
from facilities.models import Agency
from tests.candidates.factories import CredentialFactory, ExperienceSpellFactory, PersonFactory
from tests.factories import hr_user

pytestmark = pytest.mark.django_db

TABLES = (
    'FROM "candidates_person"',
    'FROM "candidates_credential"',
    'FROM "candidates_experiencespell"',
)


@contextmanager
def after_the_views_read(change):
    """Run `change()` once, right after the first plain read of a person, credential or spell
    (the view's, in dispatch), before the service locks anything."""
    done: list[str] = []

    def wrapper(execute, sql, params, many, context):
        hit = not done and "FOR UPDATE" not in sql and any(t in sql for t in TABLES)
        if hit:
            done.append(sql)
        result = execute(sql, params, many, context)
        if hit:
            change()
        return result

    with connection.execute_wrapper(wrapper):
        yield
    assert done, "the view never read the row"


def spell_form(**overrides):
    return {
        "employer": "Rockland PC",
        "title": "HIM Technician 1",
        "start": "2022-01-01",
        "end": "",
        "hours_per_week": "37.5",
        "him": "on",
        "note": "",
        **overrides,
    }


# form → the URL it posts to and what it posts, for the person's records
def _person_update(person, credential, spell):
    data = {
        "given_name": "Changed",
        "family_name": person.family_name,
        "employee_id": person.employee_id,
        "email": "",
        "degree": "",
        "degree_date": "",
        "version": person.version,
    }
    return reverse("candidates:person_update", args=[person.pk]), data


def _credential_create(person, credential, spell):
    data = {"kind": "RHIA", "ahima_id": "", "awarded_on": "2020-01-15", "status": "active"}
    return reverse("candidates:credential_create", args=[person.pk]), data


def _credential_update(person, credential, spell):
    data = {
        "ahima_id": "CHANGED",
        "awarded_on": "2020-01-15",
        "valid_through": "",
        "status": "active",
        "version": credential.version,
    }
    return reverse("candidates:credential_update", args=[credential.pk]), data


def _spell_create(person, credential, spell):
    return reverse("candidates:spell_create", args=[person.pk]), spell_form(employer="Changed")


def _spell_update(person, credential, spell):
    data = spell_form(employer="Changed", version=spell.version)
    return reverse("candidates:spell_update", args=[spell.pk]), data


def _spell_delete(person, credential, spell):
    return reverse("candidates:spell_delete", args=[spell.pk]), {"version": spell.version}


PAGES = {
    "person edit": _person_update,
    "credential add": _credential_create,
    "credential edit": _credential_update,
    "spell add": _spell_create,
    "spell edit": _spell_update,
    "spell remove": _spell_delete,
}


def _records(person: Person) -> tuple:
    """What any of the pages could change about the person."""
    person.refresh_from_db()
    return (
        person.given_name,
        sorted(Credential.objects.filter(person=person).values_list("kind", "ahima_id")),
        sorted(ExperienceSpell.objects.filter(person=person).values_list("pk", "employer")),
    )


@pytest.fixture
def setting():
    hr = hr_user("OMH", username="hr-moved-person")
    person = PersonFactory(agency=hr.agency)
    credential = CredentialFactory(person=person, kind="RHIT", awarded_on=date(2020, 1, 15))
    spell = ExperienceSpellFactory(person=person)
    client = Client(raise_request_exception=False)  # a 500 is a response, as the user sees it
    client.force_login(hr)
    return hr, person, credential, spell, client


@pytest.mark.parametrize("form", PAGES)
def test_a_person_moved_to_another_agency_meanwhile_is_refused(setting, form):
    """The view read the person in Agency HR's agency; DCC moved them before the save. The
    save is refused (not made on the stale copy's say-so) and the clerk is told why."""
    hr, person, credential, spell, client = setting
    other = Agency.objects.exclude(pk=hr.agency_id).first()
    url, data = PAGES[form](person, credential, spell)
    before = _records(person)
    with after_the_views_read(lambda: Person.objects.filter(pk=person.pk).update(agency=other)):
        response = client.post(url, data)
    assert _records(person) == before  # nothing saved on the stale copy's say-so
    assert response.status_code == 302
    assert response["Location"] == reverse("candidates:person_list")
    shown = client.get(response["Location"]).text
    assert "You may not change this person&#x27;s record" in shown
    assert "moved to another agency" in shown


@pytest.mark.parametrize("form", PAGES)
def test_the_same_posts_without_the_move_are_saved(setting, form):
    """Control: without the move each post changes the record (so the refusal is the move's)."""
    _hr, person, credential, spell, client = setting
    url, data = PAGES[form](person, credential, spell)
    before = _records(person)
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()
    assert _records(person) != before
