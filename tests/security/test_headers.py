"""Headers every answer carries: private pages are never cached, browser features are denied.

Every page, fragment, export and file the access matrix lets a signed-in role open answers
`Cache-Control: private, no-store`, so neither a shared cache nor the browser keeps what only
that user may see; static files keep their long caching. Every page denies the browser
features the site never uses (Permissions-Policy), and Chromium must understand every feature
the policy names.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import analyst_user

from .matrix import ACCESS
from .scene import user_for

SIGNED_IN = ("hr", "hr_other", "analyst", "supervisor", "admin")
NEVER_USED = ("camera", "microphone", "geolocation", "payment", "usb")


def _opened(role: str, objects) -> list[str]:
    return [
        reverse(name, args=case.args(objects))
        for name, cases in ACCESS.items()
        for case in cases
        if case.get[role] == 200
    ]


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.mark.parametrize("role", SIGNED_IN)
def test_every_answer_to_a_signed_in_user_is_no_store(client, scene, role):
    client.force_login(user_for(scene, role, "OMH"))
    urls = _opened(role, scene.agencies["OMH"])
    # Exports too: the registry's CSV holds the same rows as its page.
    urls.append(reverse("facilities:facility_list") + "?export=csv")
    wrong = {}
    for url in urls:
        response = client.get(url)
        if not {"no-store", "private"} <= _directives(response):
            wrong[url] = response.get("Cache-Control")
    assert urls and not wrong, wrong


def test_a_signed_in_users_error_page_is_no_store(client, scene):
    client.force_login(scene.agencies["OMH"].hr)
    other = scene.agencies["DOCCS"].facility
    response = client.get(reverse("facilities:facility_detail", args=[other.pk]))
    assert response.status_code == 404
    assert "no-store" in _directives(response)


def test_static_files_keep_their_caching(client, scene):
    client.force_login(scene.analyst)
    response = client.get(f"/{settings.STATIC_URL.strip('/')}/js/site.js")  # WhiteNoise
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
    assert any(d.startswith("max-age=") for d in _directives(response)), _directives(response)


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/", "/healthz", "/no-such-page/", "/facilities/"]
)
def test_every_page_denies_the_features_the_site_never_uses(client, db, path):
    if path != "/accounts/login/":
        client.force_login(analyst_user(username="policy"))
    response = client.get(path)
    policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in NEVER_USED:
        assert policy[feature] == "()", feature


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_knows_every_feature_the_policy_names(page, live_server):
    """An unknown name makes Chromium log "Unrecognized feature" and ignore it."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/")
    page.wait_for_load_state("networkidle")
    assert not [m for m in seen if "Permissions-Policy" in m or "Permissions Policy" in m], seen
    denied = page.evaluate(
        "() => document.featurePolicy ? document.featurePolicy.allowedFeatures() : null"
    )
    if denied is not None:  # Chromium's own view of the policy: none of them allowed
        assert not set(NEVER_USED) & set(denied), denied
