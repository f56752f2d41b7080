"""A person in Chromium signs in with NY.gov ID at the real test provider and signs out.

Screenshots of the sign-in page and the ask-your-administrator page go to HIM_SHOTS (a folder)
when it is set."""

import os
from pathlib import Path

import pytest

from facilities.models import OidcIdentity
from tests.browser.axe import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("HIM_SHOTS")
WIDTHS = (1440, 390)


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def sign_in_at_provider(page, username: str) -> None:
    page.get_by_label("NY.gov ID username").fill(username)
    page.get_by_label("NY.gov ID password").fill("provider-pass")
    page.get_by_role("button", name="Log in to NY.gov ID").click()


def test_sign_in_with_nygov_id_and_out_again(page, live_server, nygov):
    page.goto(f"{live_server.url}/facilities/")
    assert "/accounts/login/" in page.url
    assert violations(page) == []
    shoot(page, "sign-in")
    page.get_by_role("link", name="Sign in with NY.gov ID").click()
    page.wait_for_url(f"{nygov.url}/accounts/login/**")
    sign_in_at_provider(page, "omh-hr")
    page.wait_for_url(f"{live_server.url}/facilities/")
    assert page.get_by_test_id("whoami").inner_text().endswith("Agency HR, OMH")
    assert OidcIdentity.objects.get().subject == nygov.sub("omh-hr")
    # Signing out ends the provider's session too and comes back to the sign-in page.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with NY.gov ID").click()
    page.wait_for_url(f"{nygov.url}/accounts/login/**")
    assert page.get_by_label("NY.gov ID password").is_visible()


def test_someone_with_no_role_is_told_whom_to_ask(page, live_server, nygov):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with NY.gov ID").click()
    sign_in_at_provider(page, "ada")
    page.wait_for_url(f"{live_server.url}/accounts/no-access/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ask your administrator for access"
    assert page.get_by_test_id("whoami").inner_text().startswith("Ada Okafor")
    assert violations(page) == []
    shoot(page, "ask-your-administrator")


def test_with_local_sign_in_for_administrators_only(page, live_server, nygov, settings):
    settings.HIM_LOCAL_SIGN_IN = "staff-only"
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", name="Administrators").is_visible()
    assert page.get_by_role("link", name="Sign in with NY.gov ID").is_visible()
    assert violations(page) == []
    shoot(page, "sign-in-staff-only")
