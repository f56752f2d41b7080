"""The page's evaluation is `candidates.qualifications.evaluate` for the same facts."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from candidates import qualifications as q
from candidates.dates import today_in_new_york
from candidates.selectors import evaluation_for, evaluations_for, person_for_user
from classification.standard import TITLES
from classification.templatetags.plain import plain
from common.templatetags.formats import nydate
from tests.candidates.factories import (
    CredentialFactory,
    ExperienceSpellFactory,
    PersonFactory,
    verify,
)
from tests.factories import analyst_user

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 6, 1)


@pytest.fixture
def analyst():
    return analyst_user()


@pytest.fixture
def person(analyst):
    """RHIT verified 2025-05-01, an overlapping part-time pair and a non-HIM spell, a degree."""
    person = PersonFactory(degree_date=date(2019, 5, 15))
    rhit = CredentialFactory(person=person, kind="RHIT", awarded_on=date(2021, 1, 10))
    CredentialFactory(person=person, kind="RRA", awarded_on=date(2024, 3, 1), status="active")
    verify(rhit, analyst, on=date(2025, 5, 1))
    ExperienceSpellFactory(person=person, start=date(2021, 2, 1), end=date(2023, 6, 30))
    ExperienceSpellFactory(
        person=person, start=date(2023, 1, 1), end=None, hours_per_week=Decimal("20")
    )
    ExperienceSpellFactory(
        person=person, start=date(2023, 3, 1), end=None, hours_per_week=Decimal("25")
    )
    ExperienceSpellFactory(person=person, start=date(2020, 1, 1), end=None, him=False)
    return person


def direct(title_code, as_of, settings):
    """The same facts typed straight into the rules, without the database."""
    return q.evaluate(
        title_code,
        credentials=[
            q.Credential("RHIT", date(2021, 1, 10), "active", None, date(2025, 5, 1)),
            q.Credential("RRA", date(2024, 3, 1), "active", None, None),
        ],
        experience=[
            q.Experience(date(2021, 2, 1), date(2023, 6, 30), 37.5, True),
            q.Experience(date(2023, 1, 1), None, 20, True),
            q.Experience(date(2023, 3, 1), None, 25, True),
            q.Experience(date(2020, 1, 1), None, 37.5, False),
        ],
        degree_date=date(2019, 5, 15),
        as_of=as_of,
        verification_max_age_days=settings.HIM_VERIFICATION_MAX_AGE_DAYS,
        rhia_satisfies_rhit=settings.HIM_RHIA_SATISFIES_RHIT,
    )


def _comparable(e: q.Evaluation):
    # Attempts hold credentials in database order; the verdict and reasons must match.
    return (e.outcome, sorted(e.reasons), e.fte_days, e.days_needed, e.path)


@pytest.mark.parametrize("rhia_for_rhit", [False, True])
@pytest.mark.parametrize("max_age", [120, 10])
def test_page_equals_rules(client, analyst, person, settings, rhia_for_rhit, max_age):
    settings.HIM_RHIA_SATISFIES_RHIT = rhia_for_rhit
    settings.HIM_VERIFICATION_MAX_AGE_DAYS = max_age
    client.force_login(analyst)
    response = client.get(person.get_absolute_url(), {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    rows = response.context["evaluations"]
    assert [r.title.code for r in rows] == [t.code for t in TITLES]
    for row in rows:
        assert _comparable(row.evaluation) == _comparable(direct(row.title.code, AS_OF, settings))
        assert row.evaluation.as_of == AS_OF
    outcomes = {r.title.short_name: r.evaluation.outcome for r in rows}
    if max_age == 10:
        assert outcomes["Technician 1"] == "unverified"  # 31 days old: stale under 10
    else:
        assert outcomes["Technician 1"] == "qualified"


def test_evaluation_for_matches_evaluations_for(analyst, person, settings):
    loaded = person_for_user(analyst, person.pk)
    for row in evaluations_for(loaded, AS_OF):
        single = evaluation_for(loaded, row.title.code, AS_OF)
        assert single == row.evaluation
        assert _comparable(single) == _comparable(direct(row.title.code, AS_OF, settings))


def test_past_as_of_uses_the_verification_in_force_then(analyst, person):
    rhit = person.credentials.get(kind="RHIT")
    verify(rhit, analyst, on=date(2025, 9, 1))
    loaded = person_for_user(analyst, person.pk)
    assert evaluation_for(loaded, "3616110", AS_OF).outcome == "qualified"  # 2025-05-01 counts
    assert evaluation_for(loaded, "3616110", date(2025, 4, 1)).outcome == "unverified"


def test_reasons_and_first_date_are_shown(client, analyst, person):
    client.force_login(analyst)
    response = client.get(person.get_absolute_url(), {"as_of": AS_OF.isoformat()})
    row = response.context["evaluations"][0]
    assert str(plain(row.evaluation.reasons[0])) in response.text  # as people read it
    assert nydate(row.projection.first_date) in response.text  # "Jun 1, 2025"


@pytest.mark.parametrize("bad", ["2025-02-30", "yesterday", "99999-01-01", "1800-01-01"])
def test_bad_as_of_date_is_explained(client, analyst, person, bad):
    client.force_login(analyst)
    response = client.get(person.get_absolute_url(), {"as_of": bad})
    assert response.status_code == 200
    assert "is not a date this page can use" in response.text
    assert response.context["as_of"] == today_in_new_york()


def test_print_view_spells_out_reasons(client, analyst, person):
    client.force_login(analyst)
    response = client.get(
        reverse("candidates:person_print", args=[person.pk]), {"as_of": "2025-06-01"}
    )
    assert response.status_code == 200
    assert "<details>" not in response.text
    assert "evaluated as of Jun 1, 2025" in response.text


def test_spell_fte_days(client, analyst, person):
    client.force_login(analyst)
    response = client.get(person.get_absolute_url(), {"as_of": AS_OF.isoformat()})
    spells = {(r.spell.start, r.spell.him): r.fte_days for r in response.context["spells"]}
    assert spells[(date(2021, 2, 1), True)] == (date(2023, 6, 30) - date(2021, 2, 1)).days + 1
    assert spells[(date(2020, 1, 1), False)] == 0
    facts = [
        q.Experience(date(2021, 2, 1), date(2023, 6, 30), 37.5, True),
        q.Experience(date(2023, 1, 1), None, 20, True),
        q.Experience(date(2023, 3, 1), None, 25, True),
    ]
    total = q.fte_days(facts, window_start=date(2020, 1, 1), as_of=AS_OF)
    assert response.context["total_fte"] == int(total * 10) / 10


def test_incumbent_partial_calls_out_unverified(analyst):
    from django.template.loader import render_to_string

    person = PersonFactory()
    CredentialFactory(person=person, kind="RHIT", awarded_on=date(2020, 1, 1))
    loaded = person_for_user(analyst, person.pk)
    evaluation = evaluation_for(loaded, "3616110", AS_OF)
    html = render_to_string(
        "candidates/_incumbent_evaluation.html", {"evaluation": evaluation, "person": loaded}
    )
    assert evaluation.outcome == "unverified"
    assert 'data-testid="verification-warning"' in html
    assert "never been verified" in html

    verify(loaded.credentials.get(), analyst, on=date(2024, 1, 1))
    stale = evaluation_for(person_for_user(analyst, person.pk), "3616110", AS_OF)
    html = render_to_string(
        "candidates/_incumbent_evaluation.html", {"evaluation": stale, "person": loaded}
    )
    assert "stale" in html

    verify(loaded.credentials.get(), analyst, on=date(2025, 5, 30))
    fresh = evaluation_for(person_for_user(analyst, person.pk), "3616110", AS_OF)
    html = render_to_string(
        "candidates/_incumbent_evaluation.html", {"evaluation": fresh, "person": loaded}
    )
    assert fresh.outcome == "qualified"
    assert "verification-warning" not in html


@pytest.mark.parametrize("past", [False, True], ids=["today", "past-date"])
def test_detail_query_count_does_not_grow(client, analyst, django_assert_num_queries, past):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = PersonFactory()
    query = {"as_of": "2021-01-01"} if past else {}
    client.force_login(analyst)

    def add(kind):
        credential = CredentialFactory(person=person, kind=kind, awarded_on=date(2018, 1, 1))
        for day in (1, 2, 3):
            verify(credential, analyst, on=date(2024, 1, day))
        ExperienceSpellFactory(person=person, start=date(2019, 1, 1))

    add("RHIT")
    client.get(person.get_absolute_url(), query)
    with CaptureQueriesContext(connection) as one:
        client.get(person.get_absolute_url(), query)
    for kind in ("RHIA", "ART", "RRA"):
        add(kind)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(person.get_absolute_url(), query).status_code == 200
