"""Each role's dashboard numbers and charts, the reports it may open, and axe on each page."""

import pytest

from .axe import violations
from .test_dashboards import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# username → the reports its nav offers (path, heading)
ROLES = {
    "supervisor": [
        ("/reports/drift/", "Drift report"),
        ("/reports/turnaround/", "Turnaround"),
        ("/reports/reassignment/", "Reassignment"),
    ],
    "analyst": [("/reports/drift/", "Drift report"), ("/reports/turnaround/", "Turnaround")],
    "hr-omh": [("/reports/drift/", "Drift report")],
}


@pytest.mark.parametrize("username", list(ROLES))
def test_dashboard_and_reports_per_role(page, live_server, demo, username):  # noqa: F811
    sign_in(page, live_server.url, username)
    page.wait_for_url(f"{live_server.url}/")
    charts = page.locator("figure.bar-chart")
    assert charts.count() == 3
    # Each chart's numbers are a table too, one click away.
    page.get_by_text("Numbers: Days to decision").click()
    assert page.get_by_role("table", name="Days to decision").is_visible()
    if username == "hr-omh":
        assert "DOCCS" not in page.content()
        assert page.get_by_test_id("hr-by-status").is_visible()
    else:
        assert page.get_by_test_id("count-unassigned").is_visible()
    if username == "supervisor":
        assert "Riley Departed" in page.get_by_test_id("workload").inner_text()
    assert violations(page) == []
    for path, heading in ROLES[username]:
        page.goto(f"{live_server.url}{path}")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert violations(page) == []


def test_supervisor_returns_a_departed_analysts_requests(page, live_server, demo):  # noqa: F811
    sign_in(page, live_server.url, "supervisor")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/reassignment/")
    assert page.get_by_test_id("inactive-table").locator("tbody tr").count() == 3
    page.get_by_role("button", name="Return 2 requests of Riley Departed to the queue").click()
    assert "2 request(s) of Riley Departed returned to the queue" in (
        page.get_by_role("status").first.inner_text()
    )
    # The one waiting on the agency stays assigned until it comes back into review.
    assert page.get_by_test_id("inactive-table").locator("tbody tr").count() == 1
