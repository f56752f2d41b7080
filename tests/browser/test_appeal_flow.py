"""An appeal walked in a real Chromium across three people: the agency's HR records it on a
denied request (grounds and a file), an analyst sends the record to the Commission (the PDF
packet), and a supervisor records the Commission's reversal, which changes the position's
title. Each page passes axe with no serious or critical violations; screenshots at 1440 and
390 px go to /work/shots/appeals/ when that folder exists."""

from pathlib import Path

import pytest
from django.utils import timezone

from classification.standard import TECHNICIAN_2
from tests.browser.axe import violations
from tests.browser.test_reclassification_flow import signed_in
from tests.classification.factories import PDF, PositionFactory, reclassification_in
from tests.factories import FacilityFactory, analyst_user, hr_user, supervisor_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/shots/appeals")


def shoot(page, name):
    if not SHOTS.is_dir():
        return
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def test_hr_files_analyst_transmits_supervisor_records_reversal(browser, live_server, tmp_path):
    hr = hr_user("OMH", username="hr-appeal")
    analyst = analyst_user(username="analyst-appeal")
    supervisor = supervisor_user(username="supervisor-appeal")
    facility = FacilityFactory(agency=hr.agency, name="Pilgrim Psychiatric Center")
    position = PositionFactory(facility=facility, item_number="PPC-0777")
    from classification.services import deny_reclassification

    r = reclassification_in("recommended", hr=hr, position=position, assigned=analyst)
    deny_reclassification(
        actor=supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
        message="The position does not supervise Technicians 1.",
    )
    chart = tmp_path / "chart.pdf"
    chart.write_bytes(PDF)

    # Agency HR: the window on the request page, then the appeal with grounds and a file.
    context, page = signed_in(browser, live_server.url, "hr-appeal")
    page.goto(f"{live_server.url}{r.get_absolute_url()}")
    assert (
        page.get_by_test_id("appeal-window").inner_text().startswith("An appeal is possible until")
    )
    shoot(page, "request-window-hr")
    page.get_by_test_id("action-appeal").click()
    assert violations(page) == []
    page.get_by_label("Grounds for the appeal").fill("Two Technicians 1 report to the position.")
    page.locator("#id_file input[type=file]").set_input_files(str(chart))
    shoot(page, "appeal-form-hr")
    page.get_by_test_id("confirm").click()
    assert page.get_by_test_id("appeal-status").get_attribute("label") == "Appeal filed"
    assert page.get_by_test_id("appeal").get_by_role("link", name="chart.pdf").count() == 1
    assert violations(page) == []
    context.close()

    # The analyst: the Appeals tab, then the record to the Commission.
    context, page = signed_in(browser, live_server.url, "analyst-appeal")
    page.goto(f"{live_server.url}/requests/")
    page.get_by_test_id("tab-appeals").click()
    assert violations(page) == []
    shoot(page, "appeals-tab-analyst")
    page.get_by_role("link", name=str(r.pk), exact=True).click()
    page.get_by_test_id("appeal-action-transmit").click()
    shoot(page, "transmit-analyst")
    page.get_by_test_id("confirm").click()
    assert (
        page.get_by_test_id("appeal-status").get_attribute("label")
        == "Sent to the Civil Service Commission"
    )
    with page.expect_download() as download:
        page.get_by_test_id("appeal-packet").click()
    assert download.value.suggested_filename.endswith(".pdf")
    context.close()

    # The supervisor: the Commission reversed the denial.
    context, page = signed_in(browser, live_server.url, "supervisor-appeal")
    page.goto(f"{live_server.url}{r.get_absolute_url()}")
    page.get_by_test_id("appeal-action-decide").click()
    assert violations(page) == []
    page.get_by_label("Reversed").click()
    page.get_by_label("Date of the Commission's decision").fill(timezone.localdate().isoformat())
    page.get_by_label("What the Commission wrote").fill(
        "The position supervises two Technicians 1."
    )
    shoot(page, "decide-supervisor")
    page.get_by_test_id("confirm").click()
    assert (
        page.get_by_test_id("appeal-status").get_attribute("label") == "Decided by the Commission"
    )
    assert "Technician 2" in page.get_by_test_id("appeal-outcome").inner_text()
    assert page.get_by_test_id("appeal-timeline").locator("li").count() == 3
    shoot(page, "request-decided-supervisor")
    context.close()
    position.refresh_from_db()
    assert position.title.code == TECHNICIAN_2
