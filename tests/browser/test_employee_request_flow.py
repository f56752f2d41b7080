"""An employee's own request (form CC-2E) walked in a real Chromium across the people who
handle it: the employee files it, the agency's HR comments (without sharing the comment),
an analyst takes and recommends it, a supervisor approves it, and the employee reads the
decision and downloads the letter, never seeing the agency's comment. Each page the employee
and HR use passes axe with no serious or critical violations."""

import pytest

from tests.browser.axe import violations
from tests.browser.test_reclassification_flow import act, signed_in
from tests.classification.factories import PDF, PositionFactory
from tests.factories import (
    FacilityFactory,
    analyst_user,
    employee_user,
    hr_user,
    supervisor_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "Internal: the unit is to be merged with the outpatient clinic."


def test_employee_files_agency_comments_dcc_decides(browser, live_server, tmp_path):
    hr = hr_user("OMH", username="hr-cc2e")
    employee = employee_user(username="employee-cc2e", first_name="Robin")
    analyst_user(username="analyst-cc2e")
    supervisor_user(username="supervisor-cc2e")
    facility = FacilityFactory(agency=hr.agency, name="Rockland Psychiatric Center")
    position = PositionFactory(facility=facility, item_number="RPC-0042")
    position.employees.add(employee)
    PositionFactory(facility=facility, item_number="RPC-0043")  # not theirs
    duties = tmp_path / "my duties.pdf"
    duties.write_bytes(PDF)

    # The employee: the short form, a file, then filing it with the Division.
    context, page = signed_in(browser, live_server.url, "employee-cc2e")
    assert page.get_by_test_id("role").inner_text() == "Employee"
    page.get_by_role("link", name="Ask for your position to be reclassified").click()
    assert page.locator("#id_position option", has_text="RPC-0043").count() == 0
    assert page.locator("#id_technicians_1_supervised").count() == 0
    assert violations(page) == []
    page.locator("#id_position select").select_option(str(position.pk))
    page.locator("#id_proposed_title select").select_option(
        label="Health Information Management Technician 2"
    )
    page.locator("#id_justification textarea").fill("I lead the release-of-information desk.")
    page.locator("#id_duty_0 input").fill("Lead the release-of-information desk")
    page.locator("#id_duty_0_percent input").fill("100")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("A draft: only you can see it.").wait_for()
    page.locator("#id_kind").select_option("duties")
    page.locator("#id_file").set_input_files(str(duties))
    page.get_by_role("button", name="Attach").click()
    page.get_by_text("Attached my duties.pdf").wait_for()
    assert violations(page) == []
    request_url = page.url
    act(page, "file")
    assert page.get_by_test_id("status").get_attribute("label") == "With the agency for comment"
    page.get_by_test_id("comment-due").wait_for()
    context.close()

    # The agency's HR: the request waits on its dashboard; it opposes, without sharing.
    context, page = signed_in(browser, live_server.url, "hr-cc2e")
    page.get_by_test_id("awaiting-comment").get_by_role("link").click()
    assert page.get_by_test_id("action-submit").count() == 0
    assert page.get_by_test_id("action-withdraw").count() == 0
    page.get_by_test_id("action-comment").click()
    page.get_by_label("Opposes the request").click()
    page.get_by_label("The agency's comment").fill(SECRET)
    assert violations(page) == []
    page.get_by_test_id("confirm").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").get_attribute("label") == "Submitted"
    context.close()

    # The analyst sees both sides, takes and recommends.
    context, page = signed_in(browser, live_server.url, "analyst-cc2e")
    page.goto(request_url)
    assert "Opposes the request" in page.get_by_test_id("agency-comment").inner_text()
    assert "the employee, Robin" in page.get_by_test_id("filed-by").inner_text()
    act(page, "take")
    act(page, "recommend", "The duties match the Technician 2 standard.")
    assert page.get_by_test_id("status").get_attribute("label") == "Recommended"
    context.close()

    # The supervisor approves.
    context, page = signed_in(browser, live_server.url, "supervisor-cc2e")
    page.goto(request_url)
    act(page, "approve")
    assert page.get_by_test_id("status").get_attribute("label") == "Approved"
    context.close()

    # The employee reads the decision and downloads the letter; the comment stays the agency's.
    context, page = signed_in(browser, live_server.url, "employee-cc2e")
    page.get_by_test_id("own-requests").get_by_role("link").first.click()
    assert "Approved: your position is reclassified" in page.get_by_test_id("decision").inner_text()
    assert "not shared with you" in page.get_by_test_id("agency-stance").inner_text()
    assert SECRET not in page.content()
    assert violations(page) == []
    with page.expect_download() as download:
        page.get_by_test_id("letter").click()
    with open(download.value.path(), "rb") as letter:
        assert letter.read(4) == b"%PDF"
    context.close()
