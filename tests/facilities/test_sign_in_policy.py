"""Without the provider: the local sign-in setting, the page for people with no role, the
NY.gov ID settings' checks, and NY.gov ID switched off."""

import pytest
from django.core import checks
from django.test import override_settings
from django.urls import reverse

from facilities.oidc import check_oidc_https, check_oidc_settings
from tests.factories import UserFactory, analyst_user, hr_user

pytestmark = pytest.mark.django_db

CONFIGURED = {
    "OIDC_RP_CLIENT_ID": "him",
    "OIDC_RP_CLIENT_SECRET": "s",
    "OIDC_OP_ISSUER": "https://id.example.ny.gov",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://id.example.ny.gov/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://id.example.ny.gov/token",
    "OIDC_OP_USER_ENDPOINT": "https://id.example.ny.gov/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://id.example.ny.gov/jwks",
    "OIDC_OP_LOGOUT_ENDPOINT": "https://id.example.ny.gov/logout",
}


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": "pw"})


def ids(messages: list[checks.CheckMessage]) -> set[str]:
    return {m.id for m in messages}


def test_staff_only_refuses_everyone_but_administrators_as_a_wrong_password(client, settings):
    settings.HIM_LOCAL_SIGN_IN = "staff-only"
    settings.OIDC_RP_CLIENT_ID = "him"
    analyst_user(username="alex")
    UserFactory(username="root", is_staff=True, is_superuser=True)
    refused = sign_in(client, "alex")
    assert refused.status_code == 200
    assert "Please enter a correct username and password" in refused.text
    assert "for site administrators only" in refused.text
    assert sign_in(client, "root")["Location"] == "/"


def test_all_lets_everyone_with_a_password_in(client, settings):
    settings.HIM_LOCAL_SIGN_IN = "all"
    analyst_user(username="alex")
    assert sign_in(client, "alex")["Location"] == "/"


def test_without_a_client_id_there_is_no_nygov_id(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    page = client.get(reverse("login"))
    assert "NY.gov ID" not in page.text
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert (
        client.get(reverse("oidc_authentication_callback") + "?code=a&state=b").status_code == 404
    )


def test_with_a_client_id_the_sign_in_page_offers_it_keeping_next(client, settings):
    settings.OIDC_RP_CLIENT_ID = "him"
    page = client.get(reverse("login") + "?next=/facilities/")
    assert 'href="/oidc/authenticate/?next=/facilities/"' in page.text
    assert "autofocus" not in page.text


@pytest.mark.parametrize("path", ["/", "/facilities/", "/requests/", "/admin/", "/people/"])
def test_a_user_with_no_role_sees_only_whom_to_ask(client, path):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(path)["Location"] == reverse("no_access")
    page = client.get(reverse("no_access"))
    assert page.status_code == 200
    assert "Ask your administrator for access" in page.text
    assert page.context["nav_items"] == []


def test_an_hr_user_without_an_agency_has_no_role_either(client):
    user = hr_user()
    user.agency = None
    user.save()
    client.force_login(user)
    assert client.get("/")["Location"] == reverse("no_access")


def test_a_user_with_no_role_can_still_sign_out(client):
    client.force_login(UserFactory(username="nobody"))
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get("/")["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("user", [lambda: analyst_user(), lambda: hr_user("OMH")])
def test_people_with_a_role_are_sent_on_from_the_no_access_page(client, user):
    client.force_login(user())
    assert client.get(reverse("no_access"))["Location"] == reverse("dashboard")


def test_an_administrator_without_a_role_keeps_the_admin(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200


def test_checks_pass_unconfigured_and_configured():
    assert check_oidc_settings() == []
    with override_settings(**CONFIGURED):
        assert check_oidc_settings() == []
        assert check_oidc_https() == []


def test_staff_only_without_nygov_id_would_lock_everyone_out():
    with override_settings(HIM_LOCAL_SIGN_IN="staff-only", OIDC_RP_CLIENT_ID=""):
        assert ids(check_oidc_settings()) == {"him.E011"}


def test_an_unknown_local_sign_in_setting_is_an_error():
    with override_settings(HIM_LOCAL_SIGN_IN="nobody"):
        assert ids(check_oidc_settings()) == {"him.E010"}


def test_a_client_id_without_the_endpoints_is_an_error():
    with override_settings(**{**CONFIGURED, "OIDC_OP_JWKS_ENDPOINT": "", "OIDC_OP_ISSUER": ""}):
        (error,) = check_oidc_settings()
        assert error.id == "him.E012"
        assert "OIDC_OP_ISSUER, OIDC_OP_JWKS_ENDPOINT" in error.msg


def test_plain_http_endpoints_are_a_deployment_warning():
    with override_settings(**{**CONFIGURED, "OIDC_OP_TOKEN_ENDPOINT": "http://id.example/token"}):
        assert ids(check_oidc_https()) == {"him.W010"}
