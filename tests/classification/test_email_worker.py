"""Email leaves from the background worker, never from a web request, against a real SMTP
server started by the test (tests/mailserver.py): a server that never answers does not slow a
page, concurrent actions leave nothing queued, failures are retried with backoff and then given
up on, and a killed worker's claimed rows are sent by the next one."""

import os
import signal
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from classification import outbox, services
from classification.models import EmailLog
from common.errors import Refused
from tests.factories import supervisor_user
from tests.mailserver import SMTPServer

from .factories import reclassification_in


def queue_one(r, recipient="hr@example.ny.gov") -> EmailLog:
    return EmailLog.objects.create(
        reclassification=r, recipient=recipient, subject="Reclassification: approved", body="b"
    )


def timed_recommend(client, r) -> float:
    url = reverse("classification:reclassification_transition", args=[r.pk, "recommend"])
    data = {"version": r.version, "recommendation": "approve", "message": "Fits the standard."}
    started = time.perf_counter()
    response = client.post(url, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.content.decode()[:500]
    return elapsed


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_never_answers_does_not_slow_a_recommend(cast, client):
    """Issue 14: with SMTP in the request, a silent mail server made a recommend take 20–30 s
    (here it would take 2 × 5 s, one wait per supervisor). The page only queues the email: it
    takes as long as with no mail server at all."""
    quiet, r = (
        reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned) for _ in range(2)
    )
    client.force_login(cast.assigned)
    without_mail = timed_recommend(client, quiet)  # locmem: no mail server at all
    with SMTPServer(mode="hang") as server, server.settings(timeout=5):
        with_silent_server = timed_recommend(client, r)
    assert with_silent_server < without_mail + 1.0, (without_mail, with_silent_server)
    assert server.connections == 0  # the page never talked to the mail server
    queued = EmailLog.objects.filter(reclassification=r)
    assert {e.recipient for e in queued} == {cast.supervisor.email, cast.supervisor2.email}
    assert {e.status for e in queued} == {"queued"}


@pytest.mark.django_db(transaction=True)
def test_a_locked_request_does_not_hide_its_email_from_the_worker(cast):
    """The old sender's `FOR UPDATE SKIP LOCKED` also locked the request row (through the
    model's ordering), so an action in progress on the request made its email be skipped."""
    r = reclassification_in("approved", hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor)
    log = queue_one(r)
    holding, release = threading.Event(), threading.Event()

    def hold_the_request_row():
        with transaction.atomic():
            type(r).objects.select_for_update().get(pk=r.pk)
            holding.set()
            release.wait(10)
        connections.close_all()

    holder = threading.Thread(target=hold_the_request_row)
    holder.start()
    try:
        assert holding.wait(10)
        claimed = outbox.claim_due()
    finally:
        release.set()
        holder.join()
    assert [e.pk for e in claimed] == [log.pk]


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_while_the_worker_runs_all_end_sent(cast, fast_letter):
    """Ten requests, each approved by two supervisors at once (one wins, one gets a conflict),
    while the worker polls: every email reaches the SMTP server, none stays queued (the old
    code left approval emails queued for ever in 4 of 10 double-approve rounds)."""
    requests = [
        reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned) for _ in range(10)
    ]
    deciders = [supervisor_user(username=f"sup-mail-{i}") for i in range(2)]
    barrier = threading.Barrier(20)
    stop = threading.Event()
    outcomes: list[str] = []
    errors: list[str] = []

    def approve(r, user):
        try:
            # Twenty at once serialise on the audit chain's insert lock: on this shared machine
            # that can pass the 5 s lock_timeout, which is not what this test is about.
            with connections["default"].cursor() as cursor:
                cursor.execute("SET lock_timeout = '60s'")
            barrier.wait(10)
            services.approve_reclassification(
                actor=user, reclassification_id=r.pk, expected_version=r.version
            )
            outcomes.append("ok")
        except (services.ConflictError, Refused):
            outcomes.append("lost")
        except Exception as exc:
            outcomes.append("error")
            errors.append(f"{r.pk}: {exc!r}")
        finally:
            connections.close_all()

    def worker():
        try:
            outbox.run_worker(interval=0.05, stop=stop)
        finally:
            connections.close_all()

    with SMTPServer() as server, server.settings():
        w = threading.Thread(target=worker)
        w.start()
        threads = [
            threading.Thread(target=approve, args=(r, u)) for r in requests for u in deciders
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        deadline = time.monotonic() + 20
        while EmailLog.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        stop.set()
        w.join(10)
    assert sorted(outcomes) == ["lost"] * 10 + ["ok"] * 10, errors
    statuses = list(EmailLog.objects.values_list("status", flat=True))
    assert statuses == ["sent"] * 10, statuses
    assert sorted(server.recipients) == [cast.hr.email] * 10


@pytest.mark.django_db(transaction=True)
def test_a_temporary_failure_is_retried_with_backoff_then_given_up(cast, settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_RETRY_SECONDS = 60
    r = reclassification_in("submitted", hr=cast.hr)
    log = queue_one(r)
    start = timezone.now()
    with SMTPServer(mode="tempfail") as server, server.settings():
        assert outbox.send_due(now=start) == {"retry": 1}
        log.refresh_from_db()
        assert (log.status, log.attempts) == ("queued", 1)
        assert log.next_attempt_at == start + timedelta(seconds=60)
        assert log.error == "The mail server turned the message away for now."
        assert "451" in log.error_detail
        # Not due yet: nothing is claimed.
        assert outbox.send_due(now=start + timedelta(seconds=59)) == {}
        second = start + timedelta(seconds=61)
        assert outbox.send_due(now=second)["retry"] == 1
        log.refresh_from_db()
        assert log.next_attempt_at == second + timedelta(seconds=120)  # doubled
        assert outbox.send_due(now=second + timedelta(seconds=121))["failed"] == 1
    log.refresh_from_db()
    assert (log.status, log.attempts) == ("failed", 3)
    assert server.messages == []


@pytest.mark.django_db(transaction=True)
def test_a_retry_that_succeeds_is_sent_once(cast):
    r = reclassification_in("submitted", hr=cast.hr)
    log = queue_one(r)
    start = timezone.now()
    with SMTPServer(mode="tempfail") as server, server.settings():
        outbox.send_due(now=start)
        server.mode = "accept"
        assert outbox.send_due(now=start + timedelta(hours=1)) == {"sent": 1}
        assert outbox.send_due(now=start + timedelta(days=1)) == {}
    log.refresh_from_db()
    assert (log.status, log.attempts, log.error) == ("sent", 2, "")
    assert server.recipients == ["hr@example.ny.gov"]


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_claimed_row_is_sent_by_the_next(cast, settings):
    """A worker that claimed a row and died before sending: the row is not stuck, and another
    worker does not take it while the first might still be sending."""
    settings.EMAIL_CLAIM_SECONDS = 300
    r = reclassification_in("submitted", hr=cast.hr)
    log = queue_one(r)
    start = timezone.now()
    assert [e.pk for e in outbox.claim_due(now=start)] == [log.pk]  # ... and the worker dies
    with SMTPServer() as server, server.settings():
        assert outbox.send_due(now=start + timedelta(seconds=10)) == {}
        assert outbox.send_due(now=start + timedelta(seconds=301)) == {"sent": 1}
    log.refresh_from_db()
    assert (log.status, log.attempts) == ("sent", 2)
    assert server.recipients == ["hr@example.ny.gov"]


@pytest.mark.django_db(transaction=True)
def test_a_silent_mail_server_holds_the_worker_not_the_row(cast):
    """The claim is committed before the worker talks to the mail server: while it waits, the
    row is locked by nobody, so pages that read or lock it never wait on SMTP."""
    r = reclassification_in("submitted", hr=cast.hr)
    log = queue_one(r)
    with SMTPServer(mode="hang") as server, server.settings(timeout=2):
        t = threading.Thread(target=lambda: (outbox.send_due(), connections.close_all()))
        t.start()
        deadline = time.monotonic() + 5
        while server.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.connections == 1
        with transaction.atomic():  # NOWAIT: an error at once if anyone held them
            EmailLog.objects.select_for_update(nowait=True).get(pk=log.pk)
            type(r).objects.select_for_update(nowait=True).get(pk=r.pk)
        t.join(10)
    log.refresh_from_db()
    assert log.status == "queued" and log.attempts == 1
    assert log.error == "The mail server did not answer in time."


def test_the_delay_doubles_up_to_a_ceiling(settings):
    settings.EMAIL_RETRY_SECONDS = 60
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert outbox.retry_delay(30) == timedelta(hours=6)


def test_failures_are_told_in_plain_words():
    import smtplib

    assert outbox.plain_error(TimeoutError()) == "The mail server did not answer in time."
    try:  # how smtplib reports a server that stopped answering mid-conversation
        try:
            raise TimeoutError("timed out")
        except TimeoutError:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed") from None
    except smtplib.SMTPServerDisconnected as exc:
        silent = exc
    assert outbox.plain_error(silent) == "The mail server did not answer in time."
    assert outbox.plain_error(ConnectionRefusedError()) == "The mail server could not be reached."
    refused = smtplib.SMTPRecipientsRefused({"x@example.ny.gov": (550, b"no such user")})
    assert outbox.plain_error(refused) == "The mail server refused the address."
    assert outbox.plain_error(ValueError("?")) == "The message could not be sent."


@pytest.mark.django_db(transaction=True)
def test_the_request_page_tells_dcc_staff_what_failed(cast, client, settings):
    settings.EMAIL_MAX_ATTEMPTS = 1
    r = reclassification_in("submitted", hr=cast.hr)
    queue_one(r, recipient=cast.analyst.email)
    with SMTPServer(mode="tempfail") as server, server.settings():
        outbox.send_due()
    client.force_login(cast.supervisor)
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Not sent" in html
    assert "The mail server turned the message away for now." in html
    assert "Gave up after 1 try." in html
    assert "451" not in html  # the server's own words are for the admin
    client.force_login(cast.hr)
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Not sent" in html and "turned the message away" not in html


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_stops_on_sigterm(cast):
    """`send_queued_emails --loop` sends, polls, and ends cleanly on SIGTERM (systemd's stop)."""
    r = reclassification_in("submitted", hr=cast.hr)
    queue_one(r)
    out = StringIO()
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    previous = signal.getsignal(signal.SIGTERM)
    with SMTPServer() as server, server.settings():
        timer.start()
        started = time.monotonic()
        try:
            call_command("send_queued_emails", "--loop", "--interval", "0.1", stdout=out)
        finally:
            timer.cancel()
            signal.signal(signal.SIGTERM, previous)
    assert time.monotonic() - started < 5
    assert server.recipients == ["hr@example.ny.gov"]
    assert "stopped" in out.getvalue()
