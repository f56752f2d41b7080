"""One request walked from draft to approved by three people in a real Chromium: HR drafts,
attaches the chart and submits; an analyst takes and recommends; a supervisor approves and
downloads the letter. axe finds no violation of any impact on each page."""

import pytest

from tests.browser.axe import violations
from tests.classification.factories import PDF, PositionFactory
from tests.factories import FacilityFactory, analyst_user, hr_user, supervisor_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, base_url, username):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("pw")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
    return context, page


def act(page, action, message=None):
    page.get_by_test_id(f"action-{action}").click()
    if message:
        page.get_by_role("textbox").first.fill(message)
    page.get_by_test_id("confirm").click()
    page.wait_for_load_state()


def test_draft_to_approved_across_three_people(browser, live_server, tmp_path):
    hr = hr_user("OMH", username="hr-flow")
    analyst_user(username="analyst-flow")
    supervisor_user(username="supervisor-flow")
    facility = FacilityFactory(agency=hr.agency, name="Hudson River Psychiatric Center")
    position = PositionFactory(facility=facility, item_number="HR-1234")
    chart = tmp_path / "org chart.pdf"
    chart.write_bytes(PDF)

    # Agency HR: draft, attach, submit.
    context, page = signed_in(browser, live_server.url, "hr-flow")
    page.goto(f"{live_server.url}/requests/new/")
    # The picker: type, then choose among the matches (htmx), never a select of every position.
    page.locator("#id_position").fill("HR-12")
    page.get_by_label("HR-1234", exact=False).check()
    page.get_by_text("What the standard warrants for Hudson River").wait_for()
    assert violations(page) == []
    page.locator("#id_proposed_title select").select_option(
        label="Health Information Management Technician 2"
    )
    page.locator("#id_justification textarea").fill("Now supervises two Technicians 1.")
    page.locator("#id_duty_0 input").fill("Supervise Technicians 1")
    page.locator("#id_duty_0_percent input").fill("100")
    assert page.locator("#duties-total").inner_text() == "100"  # the running total
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Before this draft can be submitted").wait_for()
    assert violations(page) == []
    page.locator("#id_kind").select_option("org_chart")
    page.locator("#id_file").set_input_files(str(chart))
    page.get_by_role("button", name="Attach").click()
    page.get_by_text("Attached org chart.pdf").wait_for()
    request_url = page.url
    act(page, "submit")
    assert page.get_by_test_id("status").get_attribute("label") == "Submitted"
    context.close()

    # Analyst: take from the queue, recommend.
    context, page = signed_in(browser, live_server.url, "analyst-flow")
    page.goto(f"{live_server.url}/requests/")
    assert violations(page) == []
    page.get_by_role("link", name="HR-1234").click()
    act(page, "take")
    assert page.get_by_test_id("status").get_attribute("label") == "In review"
    act(page, "recommend", "Supervises Technicians 1 as the standard describes.")
    assert page.get_by_test_id("status").get_attribute("label") == "Recommended"
    assert page.get_by_test_id("action-approve").count() == 0
    context.close()

    # Supervisor: approve, download the letter.
    context, page = signed_in(browser, live_server.url, "supervisor-flow")
    page.goto(request_url)
    act(page, "approve")
    assert page.get_by_test_id("status").get_attribute("label") == "Approved"
    assert violations(page) == []
    with page.expect_download() as download:
        page.get_by_test_id("letter").click()
    path = download.value.path()
    with open(path, "rb") as letter:
        assert letter.read(4) == b"%PDF"
    assert download.value.suggested_filename.endswith(".pdf")
    context.close()

    position.refresh_from_db()
    assert position.title.code == "3616120"
