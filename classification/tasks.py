"""Background work (Django's tasks framework): email leaves outside the web request.

The EmailLog row is written in the same transaction as the transition, so the message is never
lost: the task sends it after the commit, and `manage.py send_queued_emails` (re)sends any row
still queued or failed (see docs/operations-tasks.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


def deliver(email_log_id: int) -> str:
    """Send one EmailLog unless already sent; record the outcome (never raises on mail errors).

    The row is locked while sending, so two workers never send the same message twice.
    """
    from .models import EmailLog

    with transaction.atomic():
        log = (
            EmailLog.objects.select_for_update(skip_locked=True)
            .filter(pk=email_log_id)
            .exclude(status=EmailLog.Status.SENT)
            .first()
        )
        if log is None:
            return "skipped"  # sent already, or another worker holds it
        try:
            EmailMessage(
                subject=log.subject,
                body=log.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[log.recipient],
            ).send()
        except Exception as exc:  # any mail failure is recorded for people to see and retried
            logger.exception("Email %s to %s failed", log.pk, log.recipient)
            EmailLog.objects.filter(pk=log.pk).update(
                status=EmailLog.Status.FAILED,
                error=str(exc)[:1000] or type(exc).__name__,
                attempts=F("attempts") + 1,
            )
            return EmailLog.Status.FAILED
        EmailLog.objects.filter(pk=log.pk).update(
            status=EmailLog.Status.SENT,
            sent_at=timezone.now(),
            error="",
            attempts=F("attempts") + 1,
        )
        return EmailLog.Status.SENT


@task
def send_notification(email_log_id: int) -> str:
    """The task queued on commit by every transition that notifies someone."""
    return deliver(email_log_id)
