"""The standard page and the allocation simulator."""

import pytest

from classification.allocation import allocate
from classification.standard import CLAUSES, INTERPRETATIONS
from classification.templatetags.plain import plain
from tests.factories import analyst_user, hr_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(hr_user("OPWDD"))
    return client


def test_standard_page_anchors_every_clause_and_interpretation(signed_in):
    page = signed_in.get("/standard/").text
    for anchor, clause in CLAUSES.items():
        assert f'id="{anchor}"' in page
        assert clause.text.replace("'", "&#x27;") in page
    for key in INTERPRETATIONS:
        assert f'id="interpretation-{key}"' in page


@pytest.mark.parametrize(
    ("individuals", "activities", "level"),
    [
        (7000, 0, "Health Information Management Administrator 3"),
        (2999, 250_000, "Health Information Management Administrator 1"),
        (3000, 250_000, "Health Information Management Administrator 2"),
    ],
)
def test_simulator_without_javascript_shows_the_level_and_reasons(
    signed_in, individuals, activities, level
):
    response = signed_in.get(
        "/standard/simulator/",
        {
            "facility_type": "ddsoo",
            "individuals_served": individuals,
            "records_activities": activities,
        },
    )
    assert response.status_code == 200
    assert f"<strong>{level}</strong>" in response.text
    expected = allocate("ddsoo", individuals_served=individuals, records_activities=activities)
    # Each of the rules' reasons, as a person reads it: Interpretations by their readable title.
    for reason in expected.reasons:
        assert str(plain(reason)) in response.text
    assert "Distance to each threshold" in response.text


def test_simulator_flags_the_gap_for_review(signed_in):
    response = signed_in.get(
        "/standard/simulator/",
        {"facility_type": "ddsoo", "individuals_served": 10, "records_activities": 250_000},
    )
    assert "Needs review" in response.text
    assert "interpretation-gap" in response.text


def test_simulator_htmx_request_gets_only_the_result(signed_in):
    response = signed_in.get(
        "/standard/simulator/",
        {"facility_type": "other", "individuals_served": "", "records_activities": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "No automatic level" in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"facility_type": "ddsoo", "individuals_served": "-1"}, "greater than or equal to 0"),
        ({"facility_type": "ddsoo", "individuals_served": "lots"}, "Enter a whole number"),
        ({"facility_type": "moon_base"}, "Select a valid choice"),
        ({"facility_type": "ddsoo", "records_activities": "9" * 30}, "less than or equal to"),
    ],
)
def test_simulator_explains_bad_input(signed_in, params, message):
    response = signed_in.get("/standard/simulator/", params)
    assert response.status_code == 200
    assert "Correct the highlighted fields" in response.text
    assert message in response.text


def test_simulator_without_counts_for_a_ddsoo_needs_review(signed_in):
    response = signed_in.get("/standard/simulator/", {"facility_type": "ddsoo"})
    assert "No automatic level" in response.text and "Needs review" in response.text
    assert "Enter both counts" in response.text


@pytest.mark.parametrize("make_user", [analyst_user, hr_user])
def test_every_role_may_read_the_standard(client, make_user):
    client.force_login(make_user())
    assert client.get("/standard/").status_code == 200
    assert client.get("/standard/simulator/").status_code == 200
