"""In Chromium: Agency HR uploads a counts file, reads the preview, confirms it; axe passes."""

import pytest

from facilities.models import AnnualActivity
from tests.browser.axe import violations
from tests.factories import FacilityFactory, hr_user

from .helpers import csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_preview_and_confirm(page, live_server, tmp_path):
    facility = FacilityFactory(agency__code="OPWDD", facility_type="ddsoo", code="DD-B1")
    hr_user("OPWDD", username="hr-browser")
    upload = tmp_path / "counts.csv"
    upload.write_bytes(
        csv_bytes(
            [["DD-B1", 2023, 2_900, 240_000, "census"], ["DD-B1", 2024, "3,050", 245_000, ""]]
        )
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("hr-browser")
    page.get_by_label("Password", exact=True).fill("pw")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/facilities/import/")
    assert violations(page) == []
    page.locator("#id_file input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_test_id("preview")
    preview.wait_for()
    assert "2 new" in page.get_by_test_id("totals").inner_text()
    assert preview.locator("tbody tr").count() == 2
    assert "3,050" in preview.inner_text()
    assert not AnnualActivity.objects.exists()  # nothing written by the preview
    assert violations(page) == []

    page.get_by_role("button", name="Confirm").click()
    applied = page.get_by_test_id("applied")
    applied.wait_for()
    assert "2 new" in applied.text_content()  # an NYSDS alert: its text is slotted
    assert list(
        AnnualActivity.objects.filter(facility=facility)
        .order_by("fiscal_year")
        .values_list("fiscal_year", "individuals_served")
    ) == [(2023, 2_900), (2024, 3_050)]


def test_registry_detail_and_count_form_pass_axe(page, live_server):
    from tests.factories import analyst_user

    from .helpers import counts

    analyst = analyst_user(username="analyst-browser")
    facility = FacilityFactory(agency__code="OPWDD", facility_type="ddsoo", code="DD-B2")
    counts(facility, analyst, 2023, 2_900, 240_000, accept_by=analyst)
    counts(facility, analyst, 2024, 3_100, 250_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("analyst-browser")
    page.get_by_label("Password", exact=True).fill("pw")
    page.get_by_role("button", name="Sign in").click()
    for path in (
        "/facilities/",
        f"/facilities/{facility.pk}/",
        f"/facilities/{facility.pk}/counts/2024/edit/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations(page) == [], path
    page.goto(f"{live_server.url}/facilities/{facility.pk}/")
    assert page.get_by_role("img", name="Individuals served per year").is_visible()
