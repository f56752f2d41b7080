"""Sign-in lockout behind the reverse proxy: each client is counted by its own address.

Requests reach Django from nginx (REMOTE_ADDR is the proxy). With AXES_IPWARE_PROXY_COUNT set,
django-axes (through common.proxies and django-ipware) takes the client from
X-Forwarded-For, so one client's failures lock that client out, not everyone behind the proxy.
The header is believed only from HIM_PROXY_ADDRESSES: a client that reaches an app server
directly is counted by its own REMOTE_ADDR whatever it writes there. Without a proxy count
X-Forwarded-For is ignored. The system checks refuse a proxy count without proxy addresses.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
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


def sign_in_directly(client, password: str, forwarded_for: str, remote_addr: str = MALLORY):
    """A client that reaches the app server itself, writing its own X-Forwarded-For."""
    return client.post(
        reverse("login"),
        {"username": "pat", "password": password},
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_one_proxy(settings):
    """The settings docs/operations.md and .env.example give for nginx alone."""
    settings.AXES_IPWARE_PROXY_COUNT = 0  # nginx alone: X-Forwarded-For holds the client
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.HIM_PROXY_ADDRESSES = [PROXY]


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


def test_a_direct_client_cannot_dodge_the_count_by_forging_the_header(client, behind_one_proxy):
    """Mallory reaches gunicorn directly and writes a fresh X-Forwarded-For on every guess.
    Before, each guess counted for a new address, so she was never locked out."""
    analyst_user(username="pat")
    for n in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in_directly(client, "wrong", f"203.0.113.{n}").status_code == 200
    assert sign_in_directly(client, "wrong", "203.0.113.98").status_code == 429
    assert sign_in_directly(client, "pw", "203.0.113.99").status_code == 429
    # The count is hers, by her own address: Pat through the proxy is not locked out.
    assert sign_in(Client(), "pw", ALICE).status_code == 302


def test_a_direct_client_cannot_lock_out_someone_elses_address(client, behind_one_proxy):
    """Mallory, directly, writes Alice's address: her failures count at her own."""
    analyst_user(username="pat")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in_directly(client, "wrong", ALICE)
    assert sign_in(Client(), "pw", ALICE).status_code == 302  # Alice, through nginx
    assert sign_in_directly(client, "pw", ALICE).status_code == 429  # Mallory still locked


@pytest.mark.parametrize(
    ("addresses", "remote", "believed"),
    [
        (["10.0.0.0/24"], "10.0.0.5", True),
        (["10.0.0.0/24"], "10.0.1.5", False),
        (["unix"], "", True),  # gunicorn on a Unix socket: REMOTE_ADDR is empty
        (["10.0.0.5"], "", False),
        (["10.0.0.5", "not-an-address"], "10.0.0.5", True),
        ([], "10.0.0.5", False),
    ],
)
def test_only_a_listed_proxy_is_believed(rf, settings, addresses, remote, believed):
    from common.proxies import client_ip_address

    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.HIM_PROXY_ADDRESSES = addresses
    request = rf.post("/accounts/login/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=ALICE)
    assert client_ip_address(request) == (ALICE if believed else (remote or None))


@pytest.mark.parametrize(
    ("count", "addresses", "ids"),
    [
        (0, [], ["him.E001"]),
        (0, ["10.0.0.5"], []),
        (0, ["unix"], []),
        (1, ["10.0.0.5", "nginx.internal"], ["him.E002"]),
        (0, ["0.0.0.0/0"], ["him.E003"]),
        (None, ["10.0.0.5"], ["him.W001"]),
        (None, [], []),
    ],
)
def test_the_system_checks_refuse_a_proxy_count_without_proxies(settings, count, addresses, ids):
    from common.proxies import check_proxy_settings

    settings.AXES_IPWARE_PROXY_COUNT = count
    settings.HIM_PROXY_ADDRESSES = addresses
    assert [message.id for message in check_proxy_settings()] == ids


def test_check_deploy_fails_on_a_proxy_count_without_proxies():
    """`manage.py check --deploy` (deploy step 2, and `make check-deploy` in CI) stops."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "AXES_IPWARE_PROXY_COUNT": "0",
        "HIM_PROXY_ADDRESSES": "",
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "him.E001" in out.stderr
    env["HIM_PROXY_ADDRESSES"] = "10.0.0.5,10.0.0.6"
    out = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
