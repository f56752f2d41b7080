"""An appeal of a decision, its events and its files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import (
    AuditChained,
    append_only_triggers,
)
from common.fields import actor_field

from .. import appeal_workflow
from .files import private_storage, random_attachment_name, random_packet_name
from .positions import PositionTitleChange, Title
from .requests import ReclassificationRequest


class Appeal(models.Model):
    """An appeal of a decided request to the Civil Service Commission (Civil Service Law
    §120; decision 0021-appeals). One per request. `status` changes only in
    `classification.appeal_services`, following `classification.appeal_workflow`."""

    reclassification = models.OneToOneField(
        ReclassificationRequest, on_delete=models.PROTECT, related_name="appeal"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=list(appeal_workflow.STATUS_LABELS.items()),
        default=appeal_workflow.FILED,
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    grounds = models.TextField(_("grounds"), editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    filed_at = models.DateTimeField(default=timezone.now, editable=False)
    filed_on = models.DateField(editable=False)  # New York date
    transmitted_by = actor_field()
    transmitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The record sent to the Commission: one PDF, made after the transmission commits.
    packet = models.FileField(
        storage=private_storage, upload_to=random_packet_name, blank=True, editable=False
    )
    packet_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    outcome = models.CharField(
        _("the Commission's decision"),
        max_length=10,
        choices=list(appeal_workflow.OUTCOME_LABELS.items()),
        blank=True,
        editable=False,
    )
    commission_decided_on = models.DateField(
        _("date of the Commission's decision"), null=True, blank=True, editable=False
    )
    commission_decision = models.TextField(_("the Commission's words"), blank=True, editable=False)
    outcome_title = models.ForeignKey(
        Title, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    outcome_effective_on = models.DateField(null=True, blank=True, editable=False)
    title_change = models.OneToOneField(
        PositionTitleChange,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeal",
        editable=False,
    )
    recorded_by = actor_field()
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_on = models.DateField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=appeal_workflow.STATUSES), name="appeal_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=appeal_workflow.FILED) | Q(transmitted_at__isnull=False),
                name="appeal_past_filed_was_transmitted",
            ),
            models.CheckConstraint(
                condition=Q(status__in=(appeal_workflow.FILED, appeal_workflow.TRANSMITTED))
                | (~Q(outcome="") & Q(commission_decided_on__isnull=False)),
                name="appeal_decided_has_outcome_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(outcome__in=appeal_workflow.TITLE_CHANGING)
                | Q(outcome_title__isnull=False, outcome_effective_on__isnull=False),
                name="appeal_title_outcome_has_title_and_date",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="appeal_version_positive"),
        ]
        indexes = [models.Index(fields=["status"], name="appeal_status")]

    def __str__(self) -> str:
        return _("Appeal of request %(id)s") % {"id": self.reclassification_id}

    def get_absolute_url(self) -> str:
        return reverse("classification:reclassification_detail", args=[self.reclassification_id])

    @property
    def status_label(self) -> str:
        return str(appeal_workflow.STATUS_LABELS.get(self.status, self.status))

    @property
    def outcome_label(self) -> str:
        return str(appeal_workflow.OUTCOME_LABELS.get(self.outcome, ""))

    @property
    def is_open(self) -> bool:
        return self.status in appeal_workflow.OPEN_STATUSES


class AppealEvent(AuditChained):
    """One step of an appeal: who, when, from, to and what was said. Append-only."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["appeal", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=list(appeal_workflow.APPEAL_ACTIONS)),
                name="appeal_event_action_known",
            ),
        ]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    @property
    def action_label(self) -> str:
        t = appeal_workflow.APPEAL_TRANSITIONS_BY_ACTION.get(self.action)
        return str(t.label) if t else self.action

    @property
    def to_label(self) -> str:
        return str(appeal_workflow.STATUS_LABELS.get(self.to_status, self.to_status))


class AppealAttachment(models.Model):
    """A file the appellant attached to the appeal, kept in private storage."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(
        storage=private_storage, upload_to=random_attachment_name, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["appeal", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("classification:appeal_attachment", args=[self.appeal_id, self.pk])
