"""The outbox: email leaves from a background worker, never from a web request.

A page writes `EmailLog` rows in the transaction of the event they tell of (nothing is sent, so
a slow or silent mail server cannot slow it, and a rolled-back action sends nothing). The worker
(`manage.py send_queued_emails --loop`, started by `make run`, a service in production:
docs/operations.md) repeats:

1. **claim** the due rows in a short transaction: `SELECT … FOR UPDATE SKIP LOCKED OF` the email
   rows only (never the request, which a concurrent action may hold), count the attempt and
   move `next_attempt_at` past a lease (`EMAIL_CLAIM_SECONDS`), then commit;
2. **send** each one through Django's mailers with no transaction open and no row locked;
3. **record** the outcome: sent; or due again after a delay that doubles each time
   (`EMAIL_RETRY_SECONDS`, 2×, 4×, … up to 6 hours); or, after `EMAIL_MAX_ATTEMPTS`, failed,
   with the reason in plain words on the request page.

A worker killed between 1 and 3 leaves its rows claimed until the lease runs out; the next
worker then sends them (at least once: a message is sent twice only if a worker dies after the
mail server took it and before step 3).
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common import files

from .models import EmailLog

logger = logging.getLogger(__name__)

MAX_DELAY = timedelta(hours=6)
BATCH = 20


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: doubling, at most MAX_DELAY."""
    base = timedelta(seconds=settings.EMAIL_RETRY_SECONDS)
    return min(base * 2 ** min(attempts - 1, 20), MAX_DELAY)


def plain_error(exc: BaseException) -> str:
    """What went wrong, in words DCC staff can act on (the server's own text goes to the admin)."""
    # socket.timeout is TimeoutError; smtplib reports a silent server as a disconnection
    # raised while handling the timeout.
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return _("The mail server did not answer in time.")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            return _("The mail server turned the message away for now.")
        return _("The mail server refused the address.")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("The mail server did not accept the site's sign-in.")
    if isinstance(exc, smtplib.SMTPResponseException) and 400 <= exc.smtp_code < 500:
        return _("The mail server turned the message away for now.")
    if isinstance(exc, smtplib.SMTPResponseException):
        return _("The mail server refused the message.")
    if isinstance(exc, (ConnectionError, smtplib.SMTPServerDisconnected, OSError)):
        return _("The mail server could not be reached.")
    return _("The message could not be sent.")


def claim_due(*, now: datetime | None = None, limit: int = BATCH) -> list[EmailLog]:
    """Take up to `limit` due rows for this worker (see the module docstring, step 1)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            EmailLog.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=EmailLog.Status.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")[:limit]
        )
        if not rows:
            return []
        lease_end = now + timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)
        EmailLog.objects.filter(pk__in=[row.pk for row in rows]).update(
            attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=lease_end
        )
    for row in rows:
        row.attempts += 1
        row.last_attempt_at, row.next_attempt_at = now, lease_end
    return rows


def deliver(log: EmailLog, *, now: datetime | None = None) -> str:
    """Send one claimed row and record the outcome: "sent", "retry", "failed", or "lost"
    when its lease ran out and another worker took it meanwhile. Never raises on mail errors."""
    try:
        EmailMessage(
            subject=log.subject,
            body=log.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[log.recipient],
        ).send()
    except Exception as exc:  # every mail failure is recorded, retried, and shown
        logger.warning(
            "Email %s to %s failed (try %s): %r", log.pk, log.recipient, log.attempts, exc
        )
        done = timezone.now() if now is None else now
        gave_up = log.attempts >= settings.EMAIL_MAX_ATTEMPTS
        outcome = {
            "status": EmailLog.Status.FAILED if gave_up else EmailLog.Status.QUEUED,
            "next_attempt_at": done + retry_delay(log.attempts),
            "error": plain_error(exc),
            "error_detail": (f"{type(exc).__name__}: {exc}")[:2000],
        }
        result = "failed" if gave_up else "retry"
    else:
        outcome = {
            "status": EmailLog.Status.SENT,
            "sent_at": timezone.now(),
            "error": "",
            "error_detail": "",
        }
        result = "sent"
    # Ours only while nobody claimed it after us (the attempt count is the claim's token).
    mine = EmailLog.objects.filter(
        pk=log.pk, status=EmailLog.Status.QUEUED, attempts=log.attempts
    ).update(**outcome)
    return result if mine else "lost"


def send_due(*, now: datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Claim, send and record one batch; how many rows ended each way."""
    counts: dict[str, int] = {}
    for log in claim_due(now=now, limit=limit):
        result = deliver(log, now=now)
        counts[result] = counts.get(result, 0) + 1
    return counts


def catch_up() -> None:
    """The file work a stopped process left undone (docs/operations.md, "Background worker"):
    decision letters a decision lacks, appeal packets a sent appeal lacks, and uploads still
    staged (common/files.py)."""

    from .appeal_services import store_missing_packets
    from .services import store_missing_letters

    store_missing_letters()
    store_missing_packets()
    files.settle_staged()


def run_worker(
    *, interval: float, stop: threading.Event, on_batch=None, catch_up_every: float = 60.0
) -> None:
    """Send batches until `stop` is set: back to back while rows are due, else every
    `interval` seconds; every `catch_up_every` seconds, `catch_up()`. A batch in progress
    finishes before the worker stops."""
    caught_up = 0.0
    while not stop.is_set():
        close_old_connections()  # a connection past its age, or broken by a restart
        try:
            counts = send_due()
            if time.monotonic() - caught_up >= catch_up_every:
                caught_up = time.monotonic()
                catch_up()
        except Exception:  # a database outage: log it and try again after the interval
            logger.exception("The background worker could not read the database")
            counts = {}
        if on_batch is not None and counts:
            on_batch(counts)
        if not counts:
            stop.wait(interval)
