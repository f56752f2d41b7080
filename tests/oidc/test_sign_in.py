"""Sign-in with NY.gov ID through a real OpenID Connect provider (tests/oidc_provider, started
by conftest.py): the site's redirect, the provider's sign-in page, the code exchanged for
tokens at the provider, the ID token checked against the provider's published keys. The
person's browser is the Django test client on the site and `requests` at the provider."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from facilities import roles
from facilities.models import OidcIdentity, User
from tests.factories import UserFactory, analyst_user

from .conftest import EXPIRED_CLIENT, WRONG_AUDIENCE_CLIENT, sign_in_at_provider

pytestmark = pytest.mark.django_db

REFUSED = "Signing in with NY.gov ID did not work"


def start(client, next_url: str | None = None) -> str:
    """The site's "Sign in with NY.gov ID" link: the provider's authorize URL it redirects to."""
    url = reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, username: str):
    """The whole flow; the site's answer to the provider's callback."""
    callback, _browser = sign_in_at_provider(start(client), username)
    assert callback.startswith("http://testserver/oidc/callback/?")
    return client.get(path_of(callback))


def refused(response) -> bool:
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    return response["Location"] == reverse("login") and any(REFUSED in m for m in messages)


def test_the_request_to_the_provider_carries_state_nonce_and_pkce(client, nygov):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["him-site"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert set(query["scope"][0].split()) >= {"openid", "email", "profile"}
    assert query["code_challenge_method"] == ["S256"]
    kept = client.session["oidc_states"][query["state"][0]]
    assert kept["nonce"] == query["nonce"][0]
    assert len(kept["code_verifier"]) >= 43


def test_first_sign_in_without_an_assignment_asks_for_an_administrator(client, nygov):
    response = sign_in(client, "ada")
    assert response.status_code == 302
    identity = OidcIdentity.objects.select_related("user").get()
    assert (identity.issuer, identity.subject) == (nygov.issuer, nygov.sub("ada"))
    user = identity.user
    assert (user.first_name, user.last_name, user.email) == (
        "Ada",
        "Okafor",
        "ada.okafor@example.ny.gov",
    )
    assert user.username == "nygov-ada"
    assert not user.has_usable_password()
    assert not user.groups.exists() and user.agency is None
    # Signed in, but every page leads to the page that says whom to ask.
    page = client.get(reverse("dashboard"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("no_access")
    assert page.wsgi_request.user == user
    assert "Ask your administrator for access" in page.text
    assert client.get(reverse("classification:reclassification_list"))["Location"] == reverse(
        "no_access"
    )


def test_an_administrators_assignment_lets_them_in(client, nygov):
    sign_in(client, "ada")
    user = User.objects.get(oidc_identities__subject=nygov.sub("ada"))
    user.groups.add(Group.objects.get(name=roles.ANALYST))
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert client.get(reverse("no_access"))["Location"] == reverse("dashboard")


def test_agency_and_role_claims_give_the_role(client, nygov):
    response = sign_in(client, "omh-hr")
    assert response["Location"] == reverse("dashboard")
    user = User.objects.get(oidc_identities__subject=nygov.sub("omh-hr"))
    assert user.is_agency_hr and user.agency.code == "OMH"
    assert client.get(reverse("dashboard")).status_code == 200


def test_next_is_kept_through_the_provider(client, nygov):
    callback, _ = sign_in_at_provider(start(client, "/facilities/"), "omh-hr")
    assert client.get(path_of(callback))["Location"] == "/facilities/"


def test_an_identity_linked_in_the_admin_signs_in_as_that_user(client, nygov):
    analyst = analyst_user(username="pat.local")
    OidcIdentity.objects.create(user=analyst, issuer=nygov.issuer, subject=nygov.sub("pat"))
    sign_in(client, "pat")
    assert client.get(reverse("dashboard")).wsgi_request.user == analyst
    assert User.objects.count() == 1


def test_the_same_email_alone_never_matches_a_user(client, nygov):
    """A local account with the provider's address for the person is not theirs."""
    local = UserFactory(username="ada.local", email="ada.okafor@example.ny.gov", role=roles.ANALYST)
    sign_in(client, "ada")
    user = client.get(reverse("no_access")).wsgi_request.user
    assert user != local and user.is_authenticated
    assert not local.oidc_identities.exists()


def test_a_replayed_state_is_refused(client, nygov, caplog):
    callback, _ = sign_in_at_provider(start(client), "ada")
    assert client.get(path_of(callback))["Location"] == reverse("dashboard")
    # The same answer again, in the same browser: its state was used up.
    assert refused(client.get(path_of(callback)))
    assert "state not found" in caplog.text
    client.post(reverse("logout"))
    after = client.get(path_of(callback))
    assert refused(after)
    assert not after.wsgi_request.user.is_authenticated
    # And in another browser, which never asked for it.
    other = client.__class__()
    elsewhere = other.get(path_of(callback))
    assert elsewhere.status_code == 302 and elsewhere["Location"] == reverse("login")
    assert not other.get(reverse("dashboard")).wsgi_request.user.is_authenticated


def test_an_unknown_state_is_refused(client, nygov):
    callback, _ = sign_in_at_provider(start(client), "ada")
    forged = path_of(callback).replace("state=", "state=x")
    assert refused(client.get(forged))
    assert not OidcIdentity.objects.exists()


def test_a_nonce_that_does_not_match_is_refused(client, nygov, caplog):
    authorize = start(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["nonce"] = "not-the-nonce-sent"
    session.save()
    callback, _ = sign_in_at_provider(authorize, "ada")
    assert refused(client.get(path_of(callback)))
    assert "Nonce verification failed" in caplog.text
    assert not OidcIdentity.objects.exists()


@pytest.mark.parametrize(
    ("client_id", "reason"),
    [(WRONG_AUDIENCE_CLIENT, "Audience doesn't match"), (EXPIRED_CLIENT, "Signature has expired")],
)
def test_a_token_for_another_audience_or_expired_is_refused(
    client, nygov, settings, caplog, client_id, reason
):
    """The provider signs these with its real key; the site still refuses them."""
    settings.OIDC_RP_CLIENT_ID = client_id
    response = sign_in(client, "omh-hr")
    assert refused(response)
    assert reason in caplog.text
    assert not OidcIdentity.objects.exists()
    assert not client.get(reverse("login")).wsgi_request.user.is_authenticated


def test_a_token_from_another_issuer_is_refused(client, nygov, settings, caplog):
    settings.OIDC_OP_ISSUER = "https://not-the-provider.example"
    assert refused(sign_in(client, "ada"))
    assert "Invalid issuer" in caplog.text


def test_a_code_exchanged_without_its_pkce_verifier_is_refused(client, nygov, caplog):
    authorize = start(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["code_verifier"] = "x" * 64
    session.save()
    callback, _ = sign_in_at_provider(authorize, "ada")
    assert refused(client.get(path_of(callback)))
    assert "invalid_grant" in caplog.text  # the provider checks the verifier


def test_signing_out_ends_the_providers_session(client, nygov):
    callback, browser = sign_in_at_provider(start(client), "ada")
    client.get(path_of(callback))
    out = client.post(reverse("logout"))
    assert out["Location"].startswith(nygov.discovery["end_session_endpoint"] + "?")
    query = parse_qs(urlsplit(out["Location"]).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["id_token_hint"]
    assert not client.get(reverse("login")).wsgi_request.user.is_authenticated
    # The provider ends its session and sends the browser back to the site's sign-in page.
    back = browser.get(out["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    assert back.headers["Location"] == "http://testserver/accounts/login/"
    # Signing in again asks for the provider's password again.
    again = browser.get(start(client), allow_redirects=False, timeout=10)
    assert again.headers["Location"].startswith("/accounts/login/")


def test_a_local_sign_out_does_not_visit_the_provider(client, nygov):
    client.force_login(analyst_user())
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_the_provider_unreachable_is_a_message_not_an_error(client, nygov, settings):
    authorize = start(client)
    callback, _ = sign_in_at_provider(authorize, "ada")
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token/"
    assert refused(client.get(path_of(callback)))


def test_the_provider_really_checks_its_users(nygov):
    """The provider is no rubber stamp: a wrong password does not sign in there."""
    browser = requests.Session()
    page = browser.get(f"{nygov.url}/accounts/login/?next=/o/authorize/", timeout=10)
    answer = browser.post(
        page.url,
        data={
            "username": "ada",
            "password": "wrong",
            "next": "/o/authorize/",
            "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 200 and "Wrong user name or password" in answer.text
