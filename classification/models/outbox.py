"""Queued email: each row is sent by the background worker (`classification.outbox`)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .records import ReclassificationEvent
from .requests import ReclassificationRequest


class EmailLog(models.Model):
    """What was (to be) sent to whom about a request, and whether it went: the outbox.

    Pages only insert rows (in the transaction of the event they tell of); the worker
    (`classification.outbox`, `manage.py send_queued_emails --loop`) sends them. A queued row
    is due at `next_attempt_at`; a worker that claims it moves that time past its lease, so a
    worker killed mid-send leaves the row due again once the lease runs out.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")  # given up after EMAIL_MAX_ATTEMPTS

    reclassification = models.ForeignKey(
        ReclassificationRequest, on_delete=models.PROTECT, related_name="emails"
    )
    event = models.ForeignKey(
        ReclassificationEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient = models.EmailField()
    # To DCC staff (their assignments, recommendations awaiting a decision): DCC's own
    # business, which the request page lists to DCC staff only.
    to_dcc = models.BooleanField(default=False, editable=False)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The last failure in plain words (the request page) and as the mail server put it (admin).
    error = models.TextField(blank=True)
    error_detail = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Never order by the request: the worker's FOR UPDATE would join (and lock) it.
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="emaillog_due",
                condition=models.Q(status="queued"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
