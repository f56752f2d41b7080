"""A reclassification request: its fields, constraints, triggers and what it knows of itself."""

from datetime import timedelta

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import actor_field
from common.search import trigram_index

from ..workflow import (
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
)
from .files import private_storage, random_letter_name
from .positions import Position, Title


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
    # (`Position.Meta.triggers`) or a facility moved to another agency (`requests_follow_facility`, in `positions`).
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
    recommended_by = actor_field()
    recommended_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when a covering analyst recommended for the assigned analyst (a delegation).
    recommended_for = actor_field()
    decided_by = actor_field()
    # Set when an acting supervisor decided for the supervisor who named them.
    decided_for = actor_field()
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
    agency_commented_by = actor_field()
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
            # ... and what it sees of them (not its employees' drafts), counted from the index.
            models.Index(
                fields=["agency"],
                condition=~Q(employee__isnull=False, status=DRAFT),
                name="reclass_agency_visible",
            ),
            # Agency HR's "DCC asked for information", longest waiting first: its first ten
            # read in order (the planner otherwise took the open requests' unique index and
            # sorted, 10 ms at 100,000 requests, against 1 ms).
            models.Index(
                fields=["agency", "paused_since", "id"],
                condition=Q(status=INFO_REQUESTED),
                name="reclass_agency_waiting",
            ),
            # Date ranges: the dashboard's last 12 months, the turnaround report's "since".
            models.Index(
                fields=["submitted_on"], include=["agency", "status"], name="reclass_submitted_on"
            ),
            models.Index(
                fields=["closed_on"],
                include=["agency", "status", "submitted_on", "days_to_close", "proposed_title"],
                name="reclass_closed_on",
            ),
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
                    "recommended_by",  # the two-person rule's "awaiting someone else"
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
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES

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
