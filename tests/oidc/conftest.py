"""A real OpenID Connect provider for the sign-in tests (tests/oidc_provider), started here.

`oidc_provider` (one per test session and xdist worker) creates the provider's own database on
the tests' PostgreSQL server, makes an RSA signing key, starts the provider in a subprocess on
a free port and waits for its discovery document. `nygov` points the site at it the way
docs/operations.md says an operator does: the endpoints from the discovery document, the
client id and secret the provider registered for the site.
"""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.utils.csp import CSP

SERVE = Path(__file__).resolve().parents[1] / "oidc_provider" / "serve.py"
SITE_CLIENT = "him-site"
SITE_SECRET = "him-site-secret-for-tests-only"
EXPIRED_CLIENT = "him-expired"
WRONG_AUDIENCE_CLIENT = "him-wrong-audience"
PASSWORD = "provider-pass"

# The provider's people and the claims it sends for them (sub: the stable subject id).
USERS = {
    "ada": {
        "sub": "nygov-0001-ada",
        "given_name": "Ada",
        "family_name": "Okafor",
        "email": "ada.okafor@example.ny.gov",
    },
    "omh-hr": {
        "sub": "nygov-0002-omh",
        "given_name": "Oren",
        "family_name": "Marsh",
        "email": "oren.marsh@omh.example.ny.gov",
        "him_agency": "OMH",
        "him_role": "agency_hr",
    },
    "pat": {
        "sub": "nygov-0003-pat",
        "given_name": "Pat",
        "family_name": "Reyes",
        "email": "pat.reyes@example.ny.gov",
    },
}


@dataclass
class Provider:
    url: str
    issuer: str
    discovery: dict
    log: Path

    def sub(self, username: str) -> str:
        return USERS[username]["sub"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _admin_connection(db: dict) -> psycopg.Connection:
    conn = psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    return conn


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory) -> Provider:
    # The provider's own database, made by the tables' owner role (the site's role cannot
    # create databases) on the same server.
    db = django_settings.DATABASES["owner"]
    name = f"him_oidc_provider_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with _admin_connection(db) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    issuer = f"{url}/o"
    callbacks = [f"{live_server.url}/oidc/callback/", "http://testserver/oidc/callback/"]
    signed_out = [f"{live_server.url}/accounts/login/", "http://testserver/accounts/login/"]
    seed = {
        "users": USERS,
        "clients": [
            {
                "client_id": client_id,
                "secret": SITE_SECRET,
                "redirect_uris": callbacks,
                "post_logout_redirect_uris": signed_out,
            }
            for client_id in (SITE_CLIENT, EXPIRED_CLIENT, WRONG_AUDIENCE_CLIENT)
        ],
    }
    env = {
        **os.environ,
        "PROVIDER_DB_NAME": name,
        "PROVIDER_DB_HOST": str(db["HOST"] or ""),
        "PROVIDER_DB_PORT": str(db["PORT"] or ""),
        "PROVIDER_DB_USER": str(db["USER"] or ""),
        "PROVIDER_DB_PASSWORD": str(db["PASSWORD"] or ""),
        "PROVIDER_ISSUER": issuer,
        "PROVIDER_RSA_KEY": pem,
        "PROVIDER_SEED": json.dumps(seed),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = tmp_path_factory.mktemp("oidc-provider") / "provider.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(SERVE), str(port)], env=env, stdout=out, stderr=out
        )
    try:
        discovery = _wait_for(process, f"{issuer}/.well-known/openid-configuration", log)
        yield Provider(url=url, issuer=issuer, discovery=discovery, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with _admin_connection(db) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_for(process: subprocess.Popen, url: str, log: Path) -> dict:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OIDC provider exited:\n{log.read_text()}")
        try:
            response = requests.get(url, timeout=2)
            if response.status_code == 200:
                return response.json()
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the OIDC provider did not start in 180 s:\n{log.read_text()}")


@pytest.fixture
def nygov(settings, oidc_provider) -> Provider:
    """The site set up for sign-in with the test provider, as docs/operations.md says."""
    doc = oidc_provider.discovery
    settings.OIDC_RP_CLIENT_ID = SITE_CLIENT
    settings.OIDC_RP_CLIENT_SECRET = SITE_SECRET
    settings.OIDC_OP_ISSUER = doc["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = doc["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = doc["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = doc["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = doc["jwks_uri"]
    settings.OIDC_OP_LOGOUT_ENDPOINT = doc["end_session_endpoint"]
    settings.HIM_OIDC_AGENCY_CLAIM = "him_agency"
    settings.HIM_OIDC_ROLE_CLAIM = "him_role"
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, oidc_provider.url],
    }
    return oidc_provider


def sign_in_at_provider(authorize_url: str, username: str, browser=None):
    """Follow the site's redirect to the provider, sign in there as `username` (the person at
    the provider's page, played by `requests`) unless the provider's session already knows
    them, and return the callback URL the provider sends the browser back to, and the
    browser (its cookies hold the provider's session)."""
    browser = browser or requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    if location.startswith("/accounts/login/"):
        provider = "{0.scheme}://{0.netloc}".format(urlsplit(authorize_url))
        page = browser.get(provider + location, timeout=10)
        assert page.status_code == 200, page.text
        signed_in = browser.post(
            page.url,
            data={
                "username": username,
                "password": PASSWORD,
                "next": parse_qs(urlsplit(page.url).query)["next"][0],
                "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
            },
            allow_redirects=False,
            timeout=10,
        )
        assert signed_in.status_code == 302, signed_in.text
        answer = browser.get(
            provider + signed_in.headers["Location"], allow_redirects=False, timeout=10
        )
        assert answer.status_code == 302, answer.text
        location = answer.headers["Location"]
    return location, browser
