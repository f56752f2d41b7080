"""What a request holds and leaves behind as it moves: its duty lines, events, acts done for another, status spells
and attached files."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.audit import (
    AuditChained,
    append_only_triggers,
)
from facilities.models import User

from ..workflow import (
    ACTIONS,
    STATUS_LABELS,
    TRANSITIONS_BY_ACTION,
)
from .files import private_storage, random_attachment_name
from .requests import ReclassificationRequest

# The longest message a person gives with a step (a comment, reason, rationale or note), in
# characters once stripped: about a page and a half of the decision letter, which prints the
# rationale and the note whole, and of the email that carries the message. The forms say so
# at the field; the services refuse more, so no path stores more (the columns stay `text`:
# rows written before the limit keep what they hold, and the append-only events could not be
# cut anyway).
MESSAGE_MAX_LENGTH = 5000
# The draft's own texts, bounded the same way (the request's page, the packet and the letter
# print them whole): the justification may run to about three pages, a duty to a paragraph.
DRAFT_TEXT_MAX_LENGTHS = {
    "justification": 10_000,
    "purpose": MESSAGE_MAX_LENGTH,
    "reporting_relationships": MESSAGE_MAX_LENGTH,
}
DUTY_MAX_LENGTH = 1000


def message_too_long(
    message: str, label: object = None, *, limit: int = MESSAGE_MAX_LENGTH
) -> str | None:
    """The sentence for a message past `limit` (MESSAGE_MAX_LENGTH), else None. `label` names
    the box it was typed in; without one, the sentence stands beside the box ("This text
    is ...")."""
    length = len(message or "")
    if length <= limit:
        return None
    return gettext(
        "%(what)s is %(length)s characters long; the limit is %(limit)s characters. "
        "Shorten it and try again."
    ) % {
        "what": gettext("“%(label)s”") % {"label": label} if label else gettext("This text"),
        "length": number_format(length, force_grouping=True),
        "limit": number_format(limit, force_grouping=True),
    }


class DutyLine(models.Model):
    """One duty of the duties statement with its share of time (the shares sum to 100)."""

    reclassification = models.ForeignKey(
        ReclassificationRequest, on_delete=models.CASCADE, related_name="duties"
    )
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(_("duty"))
    percent = models.PositiveSmallIntegerField(_("percent of time"))

    class Meta:
        ordering = ["reclassification", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=1, percent__lte=100), name="duty_percent_1_to_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.percent}% {self.description[:40]}"


class Attachment(models.Model):
    """A file the agency or DCC attached to a request, kept in private storage."""

    class Kind(models.TextChoices):
        ORGANIZATION_CHART = "org_chart", _("Organization chart")
        DUTIES = "duties", _("Duties statement")
        COUNTS_EVIDENCE = "counts", _("Counts evidence")
        OTHER = "other", _("Other")

    reclassification = models.ForeignKey(
        ReclassificationRequest, on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
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
    # On an employee's request: a file the agency attached to its comment and chose to share.
    # (The employee's own files are theirs to see; nobody else's are shown to them.)
    shared_with_employee = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["reclassification", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["org_chart", "duties", "counts", "other"]),
                name="attachment_kind_known",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "classification:attachment_download", args=[self.reclassification_id, self.pk]
        )


class ReclassificationEvent(AuditChained):
    """One transition of a request: who, when, from, to and what they said. Append-only."""

    reclassification = models.ForeignKey(
        ReclassificationRequest, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["reclassification", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=list(ACTIONS)), name="reclass_event_action_known"
            ),
        ]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    # Kept once read: the request page reads each label of an event two or three times, and
    # each reading translates it again (an event never changes).
    @cached_property
    def action_label(self) -> str:
        transition = TRANSITIONS_BY_ACTION.get(self.action)
        return str(transition.label) if transition else self.action

    @cached_property
    def from_label(self) -> str:
        return str(STATUS_LABELS.get(self.from_status, self.from_status))

    @cached_property
    def to_label(self) -> str:
        return str(STATUS_LABELS.get(self.to_status, self.to_status))

    @property
    def acted_for(self) -> "User | None":
        """Whom a delegate took this step for, or None (the actor acted for themself). A
        template's `e.delegated_act` of an event without one fails the lookup, which Django
        answers by listing the event's every attribute: on a 30-event timeline, a millisecond."""
        act = getattr(self, "delegated_act", None)  # None: no DelegatedAct row
        return act.acted_for if act is not None else None


class DelegatedAct(AuditChained):
    """An event taken by a delegate for someone else: "for <delegator>, by <event's actor>".
    Append-only, beside the event rather than in it, so the event table's hash chain keeps the
    columns it always had."""

    event = models.OneToOneField(
        ReclassificationEvent, on_delete=models.PROTECT, related_name="delegated_act"
    )
    delegation = models.ForeignKey(
        "facilities.Delegation", on_delete=models.PROTECT, related_name="acts"
    )
    acted_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"event {self.event_id} for {self.acted_for_id}"


class StatusSpell(models.Model):
    """One stay of a request in one status: from the event that entered it to the next event.

    Written with each event by the one path that records events
    (`classification.services.record_event`; the bulk seeder writes them from its own events),
    so "time in each status" is a sum over spells instead of a window over every event. Closed
    statuses have no spell. docs/decisions/0012.
    """

    # No constraint to the event: events are never deleted, and one deleted behind the
    # application's back must reach verify_audit, not be held by the row derived from it.
    event = models.OneToOneField(
        ReclassificationEvent,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="spell",
    )
    reclassification = models.ForeignKey(
        ReclassificationRequest, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reclassification", "started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="spell_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(
                fields=["started_at"],
                include=["status", "ended_at", "reclassification"],
                name="spell_started_covering",
            ),
            # The spells still open, which the spell tally cannot give a length yet.
            models.Index(
                fields=["started_at"],
                include=["status"],
                condition=Q(ended_at__isnull=True),
                name="spell_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} from {self.started_at:%Y-%m-%d %H:%M}"
