"""An analyst records a verification in a real Chromium and sees the evaluation move from
unverified to qualified; the pages pass axe."""

from datetime import date, timedelta

import pytest

from candidates.dates import today_in_new_york
from tests.browser.axe import violations
from tests.candidates.factories import CredentialFactory, ExperienceSpellFactory, PersonFactory
from tests.factories import AgencyFactory, analyst_user, hr_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("pw")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def outcome(page, title_code: str) -> str:
    return page.locator(f"tr[data-title='{title_code}'] [data-outcome]").get_attribute(
        "data-outcome"
    )


def test_recording_a_verification_qualifies_the_person(page, live_server, tmp_path):
    analyst_user(username="browser-analyst")
    person = PersonFactory(
        agency=AgencyFactory(code="OMH"), given_name="Vera", family_name="Verify"
    )
    CredentialFactory(person=person, kind="RHIT", awarded_on=date(2020, 1, 1), ahima_id="AH-1")
    ExperienceSpellFactory(person=person, start=date(2020, 2, 1))

    sign_in(page, live_server.url, "browser-analyst")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    assert outcome(page, "3616110") == "unverified"
    assert outcome(page, "3616120") == "unverified"
    assert violations(page) == []

    page.get_by_role("link", name="Record a verification of the RHIT").click()
    assert page.get_by_label("AHIMA status returned").input_value() == "active"
    assert violations(page) == []
    evidence = tmp_path / "ahima-lookup.pdf"
    evidence.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Source").select_option("ahima_online")
    page.locator("#id_evidence input[type=file]").set_input_files(str(evidence))
    page.get_by_label("Note").fill("Looked up on AHIMA's credential verification site.")
    page.get_by_role("button", name="Record verification").click()

    page.wait_for_url(f"{live_server.url}/people/{person.pk}/")
    assert "Verification of the RHIT recorded." in page.get_by_role("status").inner_text()
    assert outcome(page, "3616110") == "qualified"
    assert outcome(page, "3616120") == "qualified"
    assert page.get_by_role("link", name="ahima-lookup.pdf").is_visible()

    # The evaluation as of a date before the verification is still unverified.
    before = (today_in_new_york() - timedelta(days=1)).isoformat()
    page.goto(f"{live_server.url}/people/{person.pk}/?as_of={before}")
    assert outcome(page, "3616110") == "unverified"


def test_people_list_and_reverification_pass_axe(page, live_server):
    analyst_user(username="browser-analyst")
    hr_user("OMH", username="browser-hr")
    CredentialFactory(person=PersonFactory(agency=AgencyFactory(code="OMH")))
    sign_in(page, live_server.url, "browser-analyst")
    for path in ["/people/", "/people/reverification/", "/people/new/"]:
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "browser-hr")
    page.goto(f"{live_server.url}/people/")
    assert page.get_by_role("link", name="Reverification").count() == 0
    assert violations(page) == []
