"""Sign-in, sign-out, lockout, idle expiry, session rotation, health and security headers."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.db import DatabaseError
from django.utils import timezone

from tests.factories import analyst_user


def sign_in(client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_sign_in_and_out(client):
    analyst_user(username="alex")
    response = sign_in(client, "alex", "pw")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Classification analyst" in client.get("/").text
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_wrong_password_says_so(client):
    analyst_user(username="alex")
    response = sign_in(client, "alex", "nope")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("length", [151, 256, 70_000])
def test_an_overlong_user_name_is_refused_before_anything_is_recorded(client, length):
    """Axes keeps failed names in a 255-character column; PostgreSQL would refuse a longer one
    with a 500. The form turns the name away first, and says why."""
    response = sign_in(client, "x" * length, "pw")
    assert response.status_code == 200
    assert "A user name has at most 150 characters." in response.text
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_lockout_after_repeated_failures(client, settings):
    analyst_user(username="alex")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alex", "wrong")
    response = sign_in(client, "alex", "pw")  # even the right password is refused now
    assert response.status_code == 429
    assert "Sign-in locked" in response.text
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_session_key_changes_at_sign_in(client):
    analyst_user(username="alex")
    session = client.session
    session["before"] = True
    session.save()
    before = client.cookies["sessionid"].value
    sign_in(client, "alex", "pw")
    assert client.cookies["sessionid"].value != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.django_db
def test_idle_session_expires(client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.HIM_SESSION_TOUCH_SECONDS <= 60
    analyst_user(username="alex")
    sign_in(client, "alex", "pw")
    assert client.get("/").status_code == 200
    key = client.cookies["sessionid"].value
    # 31 idle minutes later the stored session has expired.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_activity_pushes_expiry_forward(client):
    analyst_user(username="alex")
    sign_in(client, "alex", "pw")
    key = client.cookies["sessionid"].value
    idle_for(key, minutes=25)
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=29)


def idle_for(key: str, *, minutes: int) -> None:
    """Make the stored session look last saved `minutes` ago (expiry and touch stamp)."""
    from django.contrib.sessions.backends.db import SessionStore

    from config.middleware import TOUCHED

    store = SessionStore(session_key=key)
    store[TOUCHED] = int(timezone.now().timestamp()) - minutes * 60
    store.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=30 - minutes)
    )


@pytest.mark.django_db
def test_a_busy_session_is_saved_at_most_once_a_minute(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    analyst_user(username="alex")
    sign_in(client, "alex", "pw")
    key = client.cookies["sessionid"].value
    client.get("/")
    stored = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert not any(
        "django_session" in q["sql"] and "UPDATE" in q["sql"] for q in ctx.captured_queries
    )
    assert Session.objects.get(session_key=key).expire_date == stored
    idle_for(key, minutes=2)
    client.get("/")
    assert Session.objects.get(session_key=key).expire_date > stored


@pytest.mark.django_db
def test_anonymous_requests_create_no_session(client):
    client.get("/accounts/login/")
    client.get("/healthz")
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_healthz_answers_200_with_a_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.text == "ok\n"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
