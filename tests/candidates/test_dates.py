"""Typed dates are bounded (candidates.dates): none before Jan 1, 1900, and none in the future
where the date records what has already happened. Every way in (the pages, the services, the
admin) refuses them with the same message, and the database refuses what slips past."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from candidates import services
from candidates.dates import EARLIEST, EnteredDate, date_problem, today_in_new_york
from candidates.models import Credential, ExperienceSpell, Person, Verification
from candidates.selectors import spells_with_fte
from tests.candidates.factories import (
    CredentialFactory,
    ExperienceSpellFactory,
    PersonFactory,
    verify,
)
from tests.factories import AgencyFactory, UserFactory, analyst_user, hr_user

pytestmark = pytest.mark.django_db

TOO_EARLY = "must be on or after Jan 1, 1900"
IN_FUTURE = "cannot be in the future"


@pytest.fixture
def person():
    return PersonFactory(agency=AgencyFactory(code="OMH"))


def _tomorrow() -> str:
    return (today_in_new_york() + timedelta(days=1)).isoformat()


def test_the_rule_names_the_field_says_what_to_enter_and_shows_no_iso_date():
    """The message names the field, says what to enter, and writes the bound as the site does."""
    rule = EnteredDate("The start date", "the day the job began")
    assert date_problem(EARLIEST, rule) is None
    message = date_problem(EARLIEST - timedelta(days=1), rule)
    assert message == (
        "The start date must be on or after Jan 1, 1900. Enter the day the job began, with "
        "its full four-digit year."
    )
    assert "1900-01-01" not in message
    today = date(2025, 6, 1)
    assert date_problem(today, rule, today=today) is None
    assert IN_FUTURE in date_problem(today + timedelta(days=1), rule, today=today)
    # A date that may lie ahead (valid through, an end) is bounded below only.
    ahead = EnteredDate("The end date", "the last day", past=False)
    assert date_problem(date(2999, 1, 1), ahead, today=today) is None
    assert TOO_EARLY in date_problem(date(1, 1, 1), ahead, today=today)


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
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        # The reported case: a spell from year 1, then "2027 years" of experience.
        ({"start": "0001-01-01"}, "start", f"The start date {TOO_EARLY}"),
        ({"start": "1899-12-31"}, "start", f"The start date {TOO_EARLY}"),
        ({"start": "0001-01-01", "end": "0001-06-30"}, "start", TOO_EARLY),
    ],
)
def test_spell_page_refuses_a_date_before_1900(client, person, overrides, field, message):
    """The experience form says which date and what to enter; nothing is saved."""
    client.force_login(hr_user("OMH"))
    url = reverse("candidates:spell_create", args=[person.pk])
    response = client.post(url, spell_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not ExperienceSpell.objects.exists()


def test_spell_edit_page_refuses_a_date_before_1900(client, person):
    """Editing a spell to year 1 is refused, and the page keeps the experience it had."""
    spell = ExperienceSpellFactory(person=person, start=date(2020, 2, 1))
    client.force_login(hr_user("OMH"))
    url = reverse("candidates:spell_update", args=[spell.pk])
    response = client.post(url, spell_data(start="0001-01-01", version=spell.version))
    assert TOO_EARLY in " ".join(response.context["form"].errors["start"])
    spell.refresh_from_db()
    assert spell.start == date(2020, 2, 1)
    _rows, total = spells_with_fte(Person.objects.get(pk=person.pk), date(2021, 2, 1))
    assert total == (date(2021, 2, 1) - date(2020, 2, 1)).days + 1  # a year, not centuries


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"awarded_on": "0001-01-15"}, "awarded_on", f"The award date {TOO_EARLY}"),
        ({"awarded_on": "1899-12-31"}, "awarded_on", f"The award date {TOO_EARLY}"),
        (
            {"awarded_on": "2020-01-15", "valid_through": "0001-12-31"},
            "valid_through",
            f"The valid-through date {TOO_EARLY}",
        ),
        ({"awarded_on": "future"}, "awarded_on", f"The award date {IN_FUTURE}"),
    ],
)
def test_credential_page_refuses_a_date_out_of_bounds(client, person, data, field, message):
    """The credential form refuses an award before 1900 or ahead of today, a valid-through
    before 1900."""
    if data["awarded_on"] == "future":
        data = {**data, "awarded_on": _tomorrow()}
    client.force_login(hr_user("OMH"))
    response = client.post(
        reverse("candidates:credential_create", args=[person.pk]),
        {"kind": "RHIT", "ahima_id": "", "status": "active", **data},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Credential.objects.exists()


@pytest.mark.parametrize(
    ("degree_date", "message"),
    [("0019-05-20", f"The degree date {TOO_EARLY}"), ("future", f"The degree date {IN_FUTURE}")],
)
def test_person_page_refuses_a_degree_date_out_of_bounds(client, degree_date, message):
    """Adding a person with a degree dated in year 19, or tomorrow, is refused on the field."""
    if degree_date == "future":
        degree_date = _tomorrow()
    client.force_login(hr_user("OMH"))
    response = client.post(
        reverse("candidates:person_create"),
        {
            "given_name": "Casey",
            "family_name": "Early",
            "employee_id": "",
            "email": "",
            "degree": "B.S.",
            "degree_date": degree_date,
        },
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["degree_date"])
    assert not Person.objects.filter(family_name="Early").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"verified_on": "1899-12-31"}, "verified_on", f"The verification date {TOO_EARLY}"),
        ({"requested_on": "0001-01-01"}, "requested_on", f"The request date {TOO_EARLY}"),
        (
            {"valid_through_returned": "0001-01-01"},
            "valid_through_returned",
            f"The valid-through date {TOO_EARLY}",
        ),
        ({"verified_on": "future"}, "verified_on", f"The verification date {IN_FUTURE}"),
    ],
)
def test_verification_page_refuses_a_date_out_of_bounds(client, data, field, message):
    """The verification form (not a model form) asks the same rule as the model."""
    credential = CredentialFactory()
    client.force_login(analyst_user())
    post = {
        "source": "ahima_online",
        "requested_on": "",
        "verified_on": today_in_new_york().isoformat(),
        "status_returned": "active",
        "valid_through_returned": "",
        "note": "",
        "version": credential.version,
        **data,
    }
    if post["verified_on"] == "future":
        post["verified_on"] = _tomorrow()
    response = client.post(reverse("candidates:verification_create", args=[credential.pk]), post)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Verification.objects.exists()


def test_services_refuse_dates_before_1900(person):
    """The services (what an import or a command would call) refuse the same dates."""
    hr = hr_user("OMH")
    with pytest.raises(ValidationError) as spell:
        services.add_experience_spell(
            actor=hr, person=person, employer="X", title="Y", start=date(1, 1, 1)
        )
    assert TOO_EARLY in " ".join(spell.value.message_dict["start"])
    with pytest.raises(ValidationError) as credential:
        services.add_credential(actor=hr, person=person, kind="RHIT", awarded_on=date(1, 1, 1))
    assert TOO_EARLY in " ".join(credential.value.message_dict["awarded_on"])
    with pytest.raises(ValidationError) as added:
        services.add_person(
            actor=hr,
            agency=person.agency,
            given_name="A",
            family_name="B",
            degree_date=date(1, 1, 1),
        )
    assert TOO_EARLY in " ".join(added.value.message_dict["degree_date"])
    assert not ExperienceSpell.objects.exists() and not Credential.objects.exists()


def test_services_refuse_a_degree_dated_in_the_future(person):
    """Only the person form refused a future degree date; the service and the admin took it."""
    tomorrow = today_in_new_york() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.edit_person(
            actor=hr_user("OMH"),
            person=person,
            expected_version=person.version,
            given_name=person.given_name,
            family_name=person.family_name,
            degree_date=tomorrow,
        )
    assert IN_FUTURE in " ".join(refused.value.message_dict["degree_date"])
    person.refresh_from_db()
    assert person.degree_date is None


def test_verification_service_refuses_a_date_before_1900():
    credential = CredentialFactory(awarded_on=date(1950, 1, 1))
    with pytest.raises(ValidationError) as refused:
        verify(credential, analyst_user(), on=date(1899, 12, 31))
    assert TOO_EARLY in " ".join(refused.value.message_dict["verified_on"])
    assert not Verification.objects.exists()


def test_admin_refuses_a_spell_from_year_1(client, person):
    """The admin's forms ask the model, so its spell page refuses year 1 too."""
    spell = ExperienceSpellFactory(person=person)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:candidates_experiencespell_change", args=[spell.pk]),
        {
            "person": person.pk,
            "employer": spell.employer,
            "title": spell.title,
            "start": "0001-01-01",
            "end": "",
            "hours_per_week": "37.5",
            "him": "on",
            "note": "",
        },
    )
    assert response.status_code == 200  # the form again, not a redirect
    assert TOO_EARLY in response.text
    spell.refresh_from_db()
    assert spell.start == date(2020, 2, 1)


@pytest.mark.parametrize(
    ("make", "constraint"),
    [
        (lambda p: ExperienceSpellFactory(person=p, start=date(1, 1, 1)), "spell_dates_from_1900"),
        (lambda p: CredentialFactory(person=p, awarded_on=date(1, 1, 1)), "credential_dates"),
        (
            lambda p: CredentialFactory(
                person=p, awarded_on=date(1, 1, 1), valid_through=date(1, 12, 31)
            ),
            "credential_dates",
        ),
        (lambda p: PersonFactory(degree_date=date(1899, 12, 31)), "person_dates_from_1900"),
    ],
)
def test_database_refuses_dates_before_1900(person, make, constraint):
    """What skips the models' clean() (a raw insert, a bulk seeder) meets the database."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make(person)


def test_database_refuses_a_verification_before_1900():
    credential = CredentialFactory()
    analyst = analyst_user()
    with pytest.raises(IntegrityError, match="verification_dates_from_1900"), transaction.atomic():
        Verification.objects.create(
            credential=credential,
            source="ahima_online",
            verified_on=date(1, 1, 1),
            verified_by=analyst,
            status_returned="active",
        )


def test_year_1900_itself_is_accepted(person):
    """The bound is inclusive: Jan 1, 1900 is a date a person may enter."""
    spell = services.add_experience_spell(
        actor=hr_user("OMH"),
        person=person,
        employer="X",
        title="Y",
        start=EARLIEST,
        end=date(1900, 12, 31),
        hours_per_week=Decimal("37.5"),
    )
    assert spell.pk is not None


def test_valid_through_before_the_award_names_the_award_as_the_site_writes_dates():
    """The verification service's message quotes the award date as the pages do, not ISO."""
    credential = CredentialFactory(awarded_on=date(2020, 1, 15))
    with pytest.raises(ValidationError) as refused:
        verify(
            credential, analyst_user(), on=date(2025, 5, 1), valid_through_returned=date(2019, 1, 1)
        )
    (message,) = refused.value.message_dict["valid_through_returned"]
    assert "(Jan 15, 2020)" in message and "2020-01-15" not in message
