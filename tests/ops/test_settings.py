"""Production settings keep their promises: security headers, secure cookies, secret rotation,
database timeouts and health checks, and the benchmark's query counter (issue 9)."""

import importlib
import sys
import time

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from config.settings.env import env_int
from tests.factories import analyst_user

SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_CSP",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SECRET_KEY_FALLBACKS",
]


def production_settings(monkeypatch, **environment: str) -> dict:
    """config.settings.production as a fresh import under the given environment."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    monkeypatch.delenv("DJANGO_SECURE_SSL_REDIRECT", raising=False)
    # Production needs a server named; nothing here connects to it.
    monkeypatch.setenv("DATABASE_URL", "postgres://him:secret@db.invalid:5432/him")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for module in ("config.settings.production", "config.settings.base"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    module = importlib.import_module("config.settings.production")
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


@pytest.fixture
def production(monkeypatch):
    values = production_settings(monkeypatch)
    with override_settings(**{name: values[name] for name in SECURITY_SETTINGS}):
        yield values


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_production_sends_the_security_headers(production, client, signed_in):
    if signed_in:
        client.force_login(analyst_user())
    response = client.get("/" if signed_in else "/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_production_cookies_are_secure(production, client):
    page = client.get("/accounts/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    client.force_login(analyst_user())
    response = client.get("/", secure=True)
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_production_redirects_plain_http_to_https(production, client):
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_production_never_runs_in_debug_and_needs_its_secret(monkeypatch):
    assert production_settings(monkeypatch)["DEBUG"] is False
    monkeypatch.delenv("DJANGO_SECRET_KEY")
    monkeypatch.delitem(sys.modules, "config.settings.production", raising=False)
    with pytest.raises(Exception, match="DJANGO_SECRET_KEY"):
        importlib.import_module("config.settings.production")
    monkeypatch.delitem(sys.modules, "config.settings.production", raising=False)


def test_secret_key_fallbacks_come_from_the_environment(monkeypatch):
    values = production_settings(monkeypatch, DJANGO_SECRET_KEY_FALLBACKS="old-one, older-one")
    assert values["SECRET_KEY_FALLBACKS"] == ["old-one", "older-one"]
    assert (
        production_settings(monkeypatch, DJANGO_SECRET_KEY_FALLBACKS="")["SECRET_KEY_FALLBACKS"]
        == []
    )


@pytest.mark.django_db
@pytest.mark.parametrize("old_key_kept, still_signed_in", [(True, True), (False, False)])
def test_rotating_the_secret_keeps_sessions_only_with_the_old_key_as_fallback(
    client, settings, old_key_kept, still_signed_in
):
    old_key = "old-" + "o" * 60
    settings.SECRET_KEY = old_key
    client.force_login(analyst_user())
    assert client.get("/").status_code == 200
    settings.SECRET_KEY = "new-" + "n" * 60
    settings.SECRET_KEY_FALLBACKS = [old_key] if old_key_kept else []
    assert (client.get("/").status_code == 200) is still_signed_in


def test_persistent_connections_are_health_checked():
    from config.settings.base import database_from_url

    config = database_from_url("postgres://him:him@db.internal:5432/him")
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["CONN_MAX_AGE"] > 0
    assert "statement_timeout=" in config["OPTIONS"]["options"]
    assert "lock_timeout=" in config["OPTIONS"]["options"]


@pytest.mark.django_db
def test_postgresql_sessions_have_statement_and_lock_timeouts():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        shown = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, setting::int FROM pg_settings"
            " WHERE name IN ('statement_timeout', 'lock_timeout')"
        )
        in_effect = dict(cursor.fetchall())
    assert shown != "0"
    assert in_effect == {
        "statement_timeout": env_int("DB_STATEMENT_TIMEOUT_MS", 15000),
        "lock_timeout": env_int("DB_LOCK_TIMEOUT_MS", 5000),
    }


@pytest.mark.django_db
def test_a_stuck_lock_makes_a_request_give_up_instead_of_hanging():
    """Another session holds a lock for ever; the app's query gives up after lock_timeout."""
    s = connection.settings_dict
    holder = psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"],
        dbname=s["NAME"],
    )
    try:
        holder.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")  # never commits
        started = time.monotonic()
        with pytest.raises(OperationalError, match="lock timeout"), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_session")
        waited = time.monotonic() - started
    finally:
        holder.close()
    assert env_int("DB_LOCK_TIMEOUT_MS", 5000) / 1000 - 0.5 < waited < 10


@pytest.mark.django_db
def test_the_trivial_view_needs_sign_in_and_answers_pong(client):
    assert client.get("/bench/ping")["Location"].startswith("/accounts/login/")
    client.force_login(analyst_user())
    response = client.get("/bench/ping")
    assert response.content == b"pong\n"


@pytest.mark.django_db
def test_the_query_counter_counts_every_query_of_a_request(client, settings):
    settings.MIDDLEWARE = ["config.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]
    client.force_login(analyst_user())
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert int(response["X-Query-Count"]) == len(queries) > 0


@pytest.mark.django_db
def test_the_query_counter_is_off_unless_asked_for(client):
    client.force_login(analyst_user())
    assert "X-Query-Count" not in client.get("/")


@pytest.mark.django_db
def test_a_bad_request_gets_the_sites_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/accounts/login/", headers={"host": "elsewhere.example"})
    assert response.status_code == 400
    assert b"nothing was saved" in response.content
