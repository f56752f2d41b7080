"""At a phone's width (390 px) no page scrolls sideways: NYSDS's header folds its menu, data
tables stack their rows, forms take the width (static/css/site.css, decision 0022)."""

import pytest
from django.core.management import call_command

from classification.models import ReclassificationRequest
from facilities.models import Facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


def sideways(page) -> int:
    """How many pixels the page is wider than the window (0: it does not scroll sideways)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("username", ["analyst", "hr-omh", "supervisor"])
def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, demo, username):
    request = ReclassificationRequest.objects.filter(agency__code="OMH").exclude(status="draft")
    facility = Facility.objects.filter(agency__code="OMH").first()
    pages = ["/", "/requests/", request.first().get_absolute_url(), f"/facilities/{facility.pk}/"]
    pages += ["/positions/", "/people/", "/standard/"]
    if username == "hr-omh":
        pages.append("/requests/new/")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    wide = {}
    for path in pages:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if sideways(page) > 0:
            wide[path] = sideways(page)
    context.close()
    assert wide == {}, wide
