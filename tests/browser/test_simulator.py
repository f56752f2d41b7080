"""The simulator updates as the user types (htmx), in a real Chromium, and passes axe."""

import pytest

from tests.browser.axe import violations
from tests.factories import analyst_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_level(page, text: str) -> None:
    page.wait_for_function(
        "text => (document.querySelector('[data-testid=simulator-level]') || {}).innerText"
        "?.includes(text)",
        arg=text,
    )


def test_simulator_updates_as_the_user_types(page, live_server):
    analyst_user(username="sim")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("sim")
    page.get_by_label("Password", exact=True).fill("pw")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/standard/simulator/")
    page.get_by_label("Facility type").select_option("ddsoo")
    page.get_by_label("Individuals served in the year").fill("4200")
    page.get_by_label("Health records activities in the year").fill("260000")
    # No click on the button: the result comes from typing alone.
    wait_for_level(page, "Administrator 3")
    page.get_by_label("Health records activities in the year").fill("100000")
    wait_for_level(page, "Administrator 2")
    assert (
        "2,800 individuals below 7,000" in page.get_by_test_id("simulator-distances").inner_text()
    )
    assert violations(page) == []
