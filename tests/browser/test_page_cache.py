"""The page cache seen from a browser (docs/decisions/0011): the queue, visited again, comes from
the cache; after the analyst takes a request, the queue shows it taken on the next visit."""

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from tests.browser.test_reclassification_flow import act, signed_in
from tests.classification.factories import PositionFactory, reclassification_in
from tests.factories import FacilityFactory, analyst_user, hr_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"},
    }
    caches["pages"].clear()


def test_the_queue_shows_a_taken_request_on_the_next_visit(browser, live_server, page_cache):
    hr = hr_user("OMH", username="hr-cache")
    analyst_user(username="analyst-cache")
    position = PositionFactory(facility=FacilityFactory(agency=hr.agency), item_number="CACHE-0001")
    reclassification_in("submitted", hr=hr, position=position)
    context, page = signed_in(browser, live_server.url, "analyst-cache")
    queue = f"{live_server.url}/requests/?tab=unassigned"
    assert page.goto(queue).headers.get("x-page-cache") == "miss"
    assert page.goto(queue).headers.get("x-page-cache") == "hit"
    page.get_by_role("link", name="CACHE-0001").click()
    act(page, "take")
    assert page.goto(queue).headers.get("x-page-cache") == "miss"
    assert page.get_by_role("link", name="CACHE-0001").count() == 0
    page.get_by_role("link", name="Mine").click()
    page.wait_for_url("**tab=mine")
    expect(page.get_by_role("link", name="CACHE-0001")).to_have_count(1)
    context.close()
