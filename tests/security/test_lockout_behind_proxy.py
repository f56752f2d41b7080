"""Sign-in lockout behind the reverse proxy: each client is counted by its own address.

Every request reaches Django from nginx (REMOTE_ADDR is the proxy). With
AXES_IPWARE_PROXY_COUNT set, django-axes (through django-ipware) takes the client from
X-Forwarded-For, so one client's failures lock that client out, not everyone behind the proxy.
Without it X-Forwarded-For is ignored: a client cannot pick its own address by writing the header.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import analyst_user

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # nginx, as the app servers see it
ALICE, MALLORY = "198.51.100.7", "198.51.100.66"


def sign_in(client, password: str, forwarded_for: str):
    return client.post(
        reverse("login"),
        {"username": "pat", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def fail_until_locked(client, forwarded_for: str) -> None:
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", forwarded_for)
    assert sign_in(client, "pw", forwarded_for).status_code == 429


@pytest.fixture
def behind_one_proxy(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 0  # nginx alone: X-Forwarded-For holds the client
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


def test_two_clients_behind_the_proxy_are_counted_separately(client, behind_one_proxy):
    analyst_user(username="pat")
    fail_until_locked(client, MALLORY)
    # Mallory's failures locked Mallory's address only: Pat signs in from Alice's.
    response = sign_in(client, "pw", ALICE)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a_forged_header_does_not_escape_the_count(client, behind_one_proxy):
    """Mallory prepends a fresh address each time: the chain is then longer than the proxy
    count allows, so the address falls back to the proxy's and the failures still add up."""
    analyst_user(username="pat")
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", f"203.0.113.{n}, {MALLORY}")
    assert sign_in(client, "pw", f"203.0.113.99, {MALLORY}").status_code == 429


def test_without_a_proxy_count_the_header_is_ignored(client, settings):
    """The default: REMOTE_ADDR is the client, so X-Forwarded-For cannot split the count."""
    assert settings.AXES_IPWARE_PROXY_COUNT is None
    assert tuple(settings.AXES_IPWARE_META_PRECEDENCE_ORDER) == ("REMOTE_ADDR",)
    analyst_user(username="pat")
    fail_until_locked(client, MALLORY)
    assert sign_in(client, "pw", ALICE).status_code == 429


def test_the_proxy_settings_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_IPWARE_PROXY_COUNT, ','.join(s.AXES_IPWARE_META_PRECEDENCE_ORDER))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "AXES_IPWARE_PROXY_COUNT": "1",
    }
    env.pop("AXES_IPWARE_META_PRECEDENCE_ORDER", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["1", "HTTP_X_FORWARDED_FOR,REMOTE_ADDR"]
