import uuid
from datetime import timedelta
from pathlib import Path

import pgtrigger
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import (  # noqa: F401 (AppendOnlyError re-exported)
    AppendOnlyError,
    AuditChained,
    append_only_triggers,
)
from common.search import trigram_index
from facilities.models import Facility

from . import appeal_workflow
from .workflow import (
    ACTIONS,
    AGENCY_COMMENT,
    APPROVED,
    DECIDED_STATUSES,
    DENIED,
    DRAFT,
    INFO_REQUESTED,
    OPEN_STATUSES,
    RECOMMENDED,
    STATUS_LABELS,
    STATUSES,
    TRANSITIONS_BY_ACTION,
)


def private_storage() -> FileSystemStorage:
    """MEDIA_ROOT lies outside the web root and nothing serves MEDIA_URL: files leave only
    through views that check the user may see the request."""
    return FileSystemStorage()


def random_attachment_name(instance: models.Model, filename: str) -> str:
    # Never the uploader's name on disk: a random name with the checked extension only.
    return f"attachments/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:6]}"


def random_letter_name(instance: models.Model, filename: str) -> str:
    return f"letters/{uuid.uuid4().hex}.pdf"


class Title(models.Model):
    """A title of the HIM series (reference data seeded from `classification.standard.TITLES`)."""

    code = models.CharField(_("occ. code"), max_length=7, unique=True)
    name = models.CharField(_("title"), max_length=100, unique=True)
    grade = models.PositiveSmallIntegerField(_("grade"))
    rank = models.PositiveSmallIntegerField(_("rank in the series"), unique=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        return self.name.removeprefix("Health Information Management ")


class Position(models.Model):
    """One HIM position (an item) at a facility, holding one title of the series."""

    item_number = models.CharField(_("item number"), max_length=20, unique=True)
    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("facility"),
    )
    title = models.ForeignKey(
        Title, on_delete=models.PROTECT, related_name="positions", verbose_name=_("title")
    )
    incumbent = models.ForeignKey(
        "candidates.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("incumbent"),
    )
    reports_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("reports to"),
    )
    active = models.BooleanField(_("active"), default=True)
    # The employees who hold the position and may see it and file for it (form CC-2E). An
    # administrator sets the link on the user's admin page; nothing else writes it.
    employees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="own_positions",
        verbose_name=_("employees (sign-ins) in this position"),
    )

    class Meta:
        ordering = ["item_number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reports_to=F("pk")), name="position_not_own_supervisor"
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "active"]),
            trigram_index("position_item_upper_trgm", "item_number"),
        ]
        triggers = [
            # A request's stored agency follows its position to another agency's facility.
            pgtrigger.Trigger(
                name="requests_follow_position",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("facility_id"),
                condition=pgtrigger.AnyChange("facility"),
                func="""
                UPDATE classification_reclassificationrequest r SET agency_id = f.agency_id
                FROM facilities_facility f WHERE f.id = NEW.facility_id AND r.position_id = NEW.id
                  AND r.agency_id IS DISTINCT FROM f.agency_id;
                RETURN NULL;""",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_number} · {self.title.short_name}"

    def get_absolute_url(self) -> str:
        return reverse("classification:position_detail", args=[self.pk])


class PositionTitleChange(AuditChained):
    """Append-only history of a position's title (a row per change, the first one included)."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="title_changes")
    from_title = models.ForeignKey(
        Title, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("effective"))
    reclassification = models.ForeignKey(
        "ReclassificationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="title_changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["position", "-effective_on", "-changed_at"]
        indexes = [
            # The title in effect on a day: the latest change effective by then, per position.
            models.Index(
                fields=["position", "-effective_on", "-changed_at"],
                include=["to_title"],
                name="title_change_in_effect",
            ),
        ]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.position.item_number}: {self.to_title.short_name} ({self.effective_on})"


class ReclassificationRequest(models.Model):
    """A request to move one position to another title of the series (DOMAIN.md).

    `status` changes only in `classification.services`, following `classification.workflow`.
    """

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Approve")
        DENY = "deny", _("Deny")

    class Stance(models.TextChoices):
        """The agency's position on an employee's request (its comment)."""

        SUPPORT = "support", _("Supports the request")
        OPPOSE = "oppose", _("Opposes the request")
        NO_POSITION = "no_position", _("Takes no position")

    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="reclassifications"
    )
    # The agency of the position's facility, copied so that scoping and per-agency counts read
    # the request alone. Set on save (so the instance has it) and by the database on every
    # write of the row; triggers follow a position moved to another facility
    # (`Position.Meta.triggers`) or a facility moved to another agency (`facility_moved` below).
    agency = models.ForeignKey(
        "facilities.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        blank=True,
        db_index=False,  # the (agency, status) index serves it
        verbose_name=_("agency"),
    )
    current_title = models.ForeignKey(
        Title, on_delete=models.PROTECT, related_name="+", verbose_name=_("current title")
    )
    proposed_title = models.ForeignKey(
        Title, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed title")
    )
    justification = models.TextField(_("justification"), blank=True)
    purpose = models.TextField(_("purpose of the position"), blank=True)
    reporting_relationships = models.TextField(_("reporting relationships"), blank=True)
    technicians_1_supervised = models.PositiveSmallIntegerField(
        _("Technicians 1 supervised"), default=0
    )
    technicians_2_supervised = models.PositiveSmallIntegerField(
        _("Technicians 2 supervised"), default=0
    )
    clerical_supervised = models.PositiveSmallIntegerField(
        _("clerical staff supervised"), default=0
    )
    requested_effective_date = models.DateField(
        _("requested effective date"), null=True, blank=True
    )
    contact_name = models.CharField(_("agency contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=list(STATUS_LABELS.items()),
        default=DRAFT,
        editable=False,
    )
    # Every write bumps it; a form carries the version it was drawn from (stale → conflict).
    version = models.PositiveIntegerField(default=1, editable=False)
    # A random token the new-request form carries, so posting it twice creates one request.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    # Turnaround (New York dates): calendar days from submission, paused while info_requested.
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_on = models.DateField(null=True, blank=True, editable=False)
    paused_since = models.DateField(null=True, blank=True, editable=False)
    paused_total = models.DurationField(default=timedelta(0), editable=False)
    closed_on = models.DateField(null=True, blank=True, editable=False)
    # Calendar days from submission to closing less the whole days paused: what the turnaround
    # reports aggregate. Written with `closed_on` by the transition that closes the request
    # (`closing_days`); NULL until closed, or when closed before submission.
    days_to_close = models.IntegerField(
        null=True, blank=True, editable=False, verbose_name=_("days to close")
    )

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_reclassifications",
        editable=False,
        verbose_name=_("assigned analyst"),
    )
    recommendation = models.CharField(
        max_length=10, choices=Recommendation.choices, blank=True, editable=False
    )
    recommended_title = models.ForeignKey(
        Title, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    recommendation_rationale = models.TextField(blank=True, editable=False)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    recommended_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when a covering analyst recommended for the assigned analyst (a delegation).
    recommended_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Set when an acting supervisor decided for the supervisor who named them.
    decided_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_effective_date = models.DateField(null=True, blank=True, editable=False)
    decision_note = models.TextField(blank=True, editable=False)
    # Why an approval takes effect before the request was submitted (required then).
    retroactive_reason = models.TextField(
        _("reason for a retroactive date"), blank=True, editable=False
    )

    # Form CC-2E: the employee who filed the request for their own position (None when the
    # agency filed it), and the agency's comment on it (decision 0015).
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_reclassifications",
        editable=False,
        verbose_name=_("filed by the employee"),
    )
    comment_due_on = models.DateField(
        _("agency comment due"), null=True, blank=True, editable=False
    )
    agency_stance = models.CharField(
        _("agency's position"), max_length=12, choices=Stance.choices, blank=True, editable=False
    )
    agency_comment = models.TextField(_("agency's comment"), blank=True, editable=False)
    agency_comment_shared = models.BooleanField(
        _("comment shared with the employee"), default=False, editable=False
    )
    agency_commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    agency_commented_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The determination the request rests on, frozen when submitted and again when recommended.
    standard_id = models.CharField(max_length=40, blank=True, editable=False)
    counts_fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    warranted_title = models.ForeignKey(
        Title, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    determination_needs_review = models.BooleanField(default=False, editable=False)
    determination_reasons = models.JSONField(default=list, blank=True, editable=False)
    determination_clauses = models.JSONField(default=list, blank=True, editable=False)
    # The supervision checks as they stood when recommended ([{"ok": bool, "message": str}]):
    # a decided request shows these facts, never a check run again on today's positions.
    supervision_facts = models.JSONField(default=list, blank=True, editable=False)

    letter = models.FileField(
        storage=private_storage, upload_to=random_letter_name, blank=True, editable=False
    )
    letter_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reclassification request")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=STATUSES), name="reclass_status_known"),
            models.UniqueConstraint(
                fields=["position"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_reclass_per_position",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DECIDED_STATUSES)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="reclass_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("recommended_by")),
                name="reclass_recommender_never_decides",
            ),
            # The two-person rule through delegations: nobody who recommended, or was
            # recommended for, decides, in their own right or for someone else.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(recommended_for__isnull=True)
                | ~Q(decided_by=F("recommended_for")),
                name="reclass_recommended_for_never_decides",
            ),
            models.CheckConstraint(
                condition=Q(decided_for__isnull=True)
                | (
                    ~Q(decided_for=F("recommended_by"))
                    & (Q(recommended_for__isnull=True) | ~Q(decided_for=F("recommended_for")))
                ),
                name="reclass_never_decided_for_the_recommender",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=(RECOMMENDED, *DECIDED_STATUSES))
                | Q(recommended_by__isnull=False),
                name="reclass_recommended_has_recommender",
            ),
            models.CheckConstraint(
                condition=Q(status=INFO_REQUESTED, paused_since__isnull=False)
                | (~Q(status=INFO_REQUESTED) & Q(paused_since__isnull=True)),
                name="reclass_paused_only_when_info_requested",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="reclass_version_positive"),
            # Only an employee's request goes to its agency for comment, and always with a date.
            models.CheckConstraint(
                condition=~Q(status=AGENCY_COMMENT)
                | Q(employee__isnull=False, comment_due_on__isnull=False),
                name="reclass_agency_comment_has_employee_and_due_date",
            ),
            models.CheckConstraint(
                condition=Q(agency_stance="") | Q(employee__isnull=False),
                name="reclass_stance_only_on_employee_requests",
            ),
        ]
        indexes = [
            # Agency HR's queue, counts and scoping.
            models.Index(fields=["agency", "status"], name="reclass_agency_status"),
            # Queue tabs, dashboard counts and the turnaround charts read only these columns: an
            # index-only scan of this index (about 9 MB at 100,000 requests) instead of the
            # whole table (about 110 MB).
            models.Index(
                fields=["status", "assigned_to"],
                include=[
                    "id",
                    "agency",
                    "position",
                    "proposed_title",
                    "submitted_on",
                    "closed_on",
                    "paused_since",
                    "paused_total",
                    "days_to_close",
                ],
                name="reclass_status_covering",
            ),
            # The queue's search box (common.search).
            trigram_index("reclass_justif_upper_trgm", "justification"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="agency_of_position",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("position_id", "agency_id"),
                func="""
                NEW.agency_id := (
                    SELECT f.agency_id FROM classification_position p
                    JOIN facilities_facility f ON f.id = p.facility_id
                    WHERE p.id = NEW.position_id
                );
                RETURN NEW;""",
            ),
        ]

    def __str__(self) -> str:
        return _("Request %(id)s for item %(item)s") % {
            "id": self.pk,
            "item": self.position.item_number,
        }

    def save(self, *args, **kwargs) -> None:
        if self.agency_id is None and self.position_id is not None:
            self.agency_id = (
                Position.objects.filter(pk=self.position_id)
                .values_list("facility__agency_id", flat=True)
                .get()
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("classification:reclassification_detail", args=[self.pk])

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    def closing_days(self) -> int | None:
        """Calendar days from submission to closing, less the whole days paused (what
        `days_to_close` holds); None unless both dates are known."""
        if self.submitted_on is None or self.closed_on is None:
            return None
        return (self.closed_on - self.submitted_on).days - self.paused_total.days

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def outcome_title_id(self) -> int:
        """The id of `outcome_title`, without loading a title."""
        if self.status != DENIED and self.recommended_title_id is not None:
            return self.recommended_title_id
        return self.proposed_title_id

    @property
    def outcome_title(self) -> Title:
        """The title the request now names as its outcome: the title the analyst recommended
        approving it as (what approval applies, and what every page, email, export and letter
        names from then on), else the proposed title; a denial speaks of what was asked for.
        """
        if self.status != DENIED and self.recommended_title is not None:
            return self.recommended_title
        return self.proposed_title

    @property
    def outcome_differs(self) -> bool:
        """The outcome is another title than the agency proposed."""
        return self.outcome_title_id != self.proposed_title_id

    @property
    def approved_title(self) -> Title | None:
        """The title the position was approved to (None unless approved)."""
        return self.outcome_title if self.status == APPROVED else None

    @property
    def filed_by_employee(self) -> bool:
        return self.employee_id is not None


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

    @property
    def action_label(self) -> str:
        transition = TRANSITIONS_BY_ACTION.get(self.action)
        return str(transition.label) if transition else self.action

    @property
    def from_label(self) -> str:
        return str(STATUS_LABELS.get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(STATUS_LABELS.get(self.to_status, self.to_status))


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
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} from {self.started_at:%Y-%m-%d %H:%M}"


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


class SavedFilter(models.Model):
    """A named set of queue filters (a query string) one user saved for themselves."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["user", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="saved_filter_name_unique_per_user",
                violation_error_message=_("You already have a saved filter with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("classification:reclassification_list") + (
            f"?{self.query}" if self.query else ""
        )


def random_packet_name(instance: models.Model, filename: str) -> str:
    return f"appeals/{uuid.uuid4().hex}.pdf"


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
    transmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
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
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
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


# A facility moved to another agency takes its positions' requests with it. Declared here, on
# the registry's model, because it is about requests: the registry knows nothing of them.
pgtrigger.register(
    pgtrigger.Trigger(
        name="requests_follow_facility",
        when=pgtrigger.After,
        operation=pgtrigger.UpdateOf("agency_id"),
        condition=pgtrigger.AnyChange("agency"),
        func="""
        UPDATE classification_reclassificationrequest SET agency_id = NEW.agency_id
        WHERE position_id IN (SELECT id FROM classification_position WHERE facility_id = NEW.id)
          AND agency_id IS DISTINCT FROM NEW.agency_id;
        RETURN NULL;""",
    )
)(Facility)
