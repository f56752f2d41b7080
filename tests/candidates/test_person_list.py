"""/people/: filters, search, exports with formulas escaped, and pinned query counts."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from candidates.dates import today_in_new_york
from common.exports import escape_cell
from tests.candidates.factories import (
    CredentialFactory,
    ExperienceSpellFactory,
    PersonFactory,
    verify,
)
from tests.downloads import download_text
from tests.factories import AgencyFactory, analyst_user, hr_user

pytestmark = pytest.mark.django_db
URL = "/people/"


def make_people(n: int, agency_code: str = "OMH") -> None:
    agency = AgencyFactory(code=agency_code)
    for _ in range(n):
        person = PersonFactory(agency=agency)
        CredentialFactory(person=person, kind="RHIT")
        CredentialFactory(person=person, kind="RHIA")
        ExperienceSpellFactory(person=person)


def test_url_name():
    assert reverse("candidates:person_list") == URL


# session, user (with agency and roles), then: count, agency choices, people, credentials,
# spells. Exports skip the count and the page. The session is saved at most once a minute
# (the warm-up request did), so no save here.
QUERIES = {"": 7, "csv": 5, "xlsx": 5}


@pytest.mark.parametrize(
    ("make_user", "extra"), [(analyst_user, 0), (lambda: hr_user("OMH"), 0)], ids=["analyst", "hr"]
)
@pytest.mark.parametrize("export", ["", "csv", "xlsx"])
@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_is_pinned(client, django_assert_num_queries, make_user, extra, export, rows):
    client.force_login(make_user())
    query = {"export": export} if export else {}
    make_people(rows)
    client.get(URL, query)  # warm up (content types, first session write)
    with django_assert_num_queries(QUERIES[export] + (extra if not export else 0)):
        response = client.get(URL, query)
    assert response.status_code == 200
    if not export:
        assert len(response.context["table"].page.object_list) == min(rows, 25)


def names(response) -> set[str]:
    return {row.record.family_name for row in response.context["table"].page.object_list}


@pytest.fixture
def varied():
    analyst = analyst_user()
    today = today_in_new_york()
    omh, doccs = AgencyFactory(code="OMH"), AgencyFactory(code="DOCCS")
    fresh = CredentialFactory(person__family_name="Fresh", person__agency=omh)
    verify(fresh, analyst, on=today - timedelta(days=10))
    stale = CredentialFactory(person__family_name="Stale", person__agency=doccs, kind="RHIA")
    verify(stale, analyst, on=today - timedelta(days=121))
    CredentialFactory(person__family_name="Never", person__agency=omh, kind="ART")
    CredentialFactory(
        person__family_name="Expiring",
        person__agency=doccs,
        valid_through=today + timedelta(days=59),
        ahima_id="AH-777",
    )
    PersonFactory(family_name='=HYPERLINK("http://x")', agency=omh, employee_id="@SUM(1)")
    return analyst


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"verification": "verified"}, {"Fresh"}),
        ({"verification": "stale"}, {"Stale"}),
        ({"verification": "never"}, {"Never", "Expiring"}),
        ({"verification": "expiring"}, {"Expiring"}),
        ({"kind": "ART"}, {"Never"}),
        ({"kind": "RHIA"}, {"Stale"}),
        ({"q": "fres"}, {"Fresh"}),
        ({"q": "AH-777"}, {"Expiring"}),
    ],
)
def test_filters(client, varied, query, expected):
    client.force_login(varied)
    assert names(client.get(URL, query)) == expected


def test_agency_filter(client, varied):
    client.force_login(varied)
    doccs = AgencyFactory(code="DOCCS")
    assert names(client.get(URL, {"agency": doccs.pk})) == {"Stale", "Expiring"}


def test_hr_cannot_filter_into_another_agency(client, varied):
    client.force_login(hr_user("OMH"))
    doccs = AgencyFactory(code="DOCCS")
    response = client.get(URL, {"agency": doccs.pk})
    assert names(response) <= {"Fresh", "Never", '=HYPERLINK("http://x")'}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("plain", "plain"), (5, 5)],
)  # fmt: skip
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def test_csv_export_escapes_formulas(client, varied):
    client.force_login(varied)
    response = client.get(URL, {"export": "csv", "verification": "never"})
    assert response["Content-Type"].startswith("text/csv")
    body = download_text(response)
    assert "Never" in body and "Fresh" not in body  # the filtered rows only
    everything = download_text(client.get(URL, {"export": "csv"}))
    assert "'=HYPERLINK" in everything and "'@SUM(1)" in everything
    assert ",=HYPERLINK" not in everything


def test_xlsx_export_escapes_formulas(client, varied):
    client.force_login(varied)
    response = client.get(URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert "'@SUM(1)" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_none_filter_and_expired_badge(client, varied):
    client.force_login(varied)
    assert names(client.get(URL, {"verification": "none"})) == {'=HYPERLINK("http://x")'}
    expired = CredentialFactory(
        person__family_name="Lapsed", valid_through=today_in_new_york() - timedelta(days=1)
    )
    response = client.get(URL, {"q": "Lapsed"})
    assert "expired" in response.text
    assert expired.person.family_name in names(response)
