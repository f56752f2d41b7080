"""Each demo role signs in through a real Chromium, sees its dashboard, and axe finds no violation of any impact on either page."""

import pytest
from django.core.management import call_command

from tests.browser.axe import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    ("supervisor", "Classification supervisor"),
    ("analyst", "Classification analyst"),
    ("hr-omh", "Agency HR, OMH"),
    ("hr-doccs", "Agency HR, DOCCS"),
]


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


@pytest.mark.parametrize(("username", "role"), ROLES)
def test_each_role_sees_its_dashboard(page, live_server, demo, username, role):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert violations(page) == []
    sign_in(page, live_server.url, username)
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("role").inner_text() == role
    assert violations(page) == []


def test_the_administrator_lands_on_the_admin(page, live_server, demo):
    """The Administrator's work is the admin, so the first page after signing in is its index."""
    sign_in(page, live_server.url, "admin")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.get_by_role("heading", name="Site administration").is_visible()


def test_wrong_password_is_explained(page, live_server, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").first.is_visible()
    assert "correct username and password" in page.content()
