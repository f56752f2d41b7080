"""Background tasks (Django's tasks framework): email leaves outside the web request."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


@task
def send_notification(email_log_id: int) -> str:
    """Send one queued EmailLog and record whether it went (never raises on a mail failure)."""
    from .models import EmailLog

    log = EmailLog.objects.get(pk=email_log_id)
    if log.status == EmailLog.Status.SENT:
        return log.status  # a retried task never sends twice
    try:
        EmailMessage(
            subject=log.subject,
            body=log.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[log.recipient],
        ).send()
    except Exception as exc:  # any mail server failure is recorded for people to see
        logger.exception("Email %s to %s failed", log.pk, log.recipient)
        EmailLog.objects.filter(pk=log.pk).update(
            status=EmailLog.Status.FAILED, error=str(exc)[:1000] or type(exc).__name__
        )
        return EmailLog.Status.FAILED
    EmailLog.objects.filter(pk=log.pk).update(
        status=EmailLog.Status.SENT, sent_at=timezone.now(), error=""
    )
    return EmailLog.Status.SENT
