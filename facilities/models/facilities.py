"""Facilities and their annual activity counts, with each count's revisions and imports."""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classification.standard import FACILITY_TYPES, TITLES
from common.audit import AuditChained, append_only_triggers
from common.search import trigram_index

from .agencies import Agency, User


class Facility(models.Model):
    """A State facility with a health information management program."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20, unique=True)
    facility_type = models.CharField(_("type"), max_length=40, choices=list(FACILITY_TYPES.items()))
    active = models.BooleanField(_("active"), default=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)
    host_facility = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_facilities",
        verbose_name=_("host facility"),
        help_text=_("For a co-located children's psychiatric center: the facility it shares."),
    )
    # The determination, kept by services.refresh_determinations whenever counts, their status
    # or the facility's type change, so the registry can filter and sort on it in SQL. The
    # rules (classification.allocation) decide it; these columns only remember the answer.
    latest_activity = models.ForeignKey(
        "AnnualActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("latest reported year"),
    )
    warranted_title_code = models.CharField(
        _("warranted title"),
        max_length=7,
        blank=True,
        editable=False,
        choices=[(t.code, t.name) for t in TITLES],
    )
    determination_year = models.PositiveSmallIntegerField(
        _("determination year"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The accepted fiscal year whose counts decided a DDSOO's level."),
    )
    needs_review = models.BooleanField(_("needs review"), default=False, editable=False)
    trend_state = models.CharField(
        _("confirmation"),
        max_length=10,
        blank=True,
        editable=False,
        choices=[
            ("confirmed", _("Confirmed")),
            ("watch", _("Watch")),
            ("no_data", _("No accepted year")),
        ],
        help_text=_("DDSOOs only: whether two consecutive accepted years agree on the level."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("facilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(facility_type__in=list(FACILITY_TYPES)), name="facility_type_known"
            ),
            models.CheckConstraint(
                condition=~Q(host_facility=models.F("pk")), name="facility_not_own_host"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "name"]),
            models.Index(fields=["facility_type"]),
            # The registry's search box (common.search).
            trigram_index("facility_name_upper_trgm", "name"),
            trigram_index("facility_code_upper_trgm", "code"),
            trigram_index("facility_region_upper_trgm", "region"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:facility_detail", args=[self.pk])

    def clean(self) -> None:
        if self.host_facility_id and self.host_facility_id == self.pk:
            raise ValidationError({"host_facility": _("A facility cannot be its own host.")})

    @property
    def on_watch(self) -> bool:
        return self.trend_state == "watch"


class AnnualActivity(models.Model):
    """One state fiscal year's counts for one facility (SFY starting April 1 of `fiscal_year`)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        DISPUTED = "disputed", _("Disputed")

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="activities")
    fiscal_year = models.PositiveSmallIntegerField(
        _("state fiscal year"),
        help_text=_("The year the fiscal year starts: 2025 for SFY 2025-26."),
    )
    individuals_served = models.PositiveIntegerField(_("individuals served"))
    records_activities = models.PositiveIntegerField(_("health records activities"))
    methodology = models.TextField(_("methodology note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    # Bumped by every service write; forms carry it so a stale form is refused, not applied.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["facility", "-fiscal_year"]
        verbose_name_plural = _("annual activities")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "fiscal_year"],
                name="one_count_per_year",
                violation_error_message=_("This facility already has counts for that year."),
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=1990, fiscal_year__lte=2100),
                name="fiscal_year_sane",
                violation_error_message=_("The fiscal year must be between 1990 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(individuals_served__gte=0, records_activities__gte=0),
                name="counts_not_negative",
                violation_error_message=_("Counts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "accepted", "disputed"]),
                name="activity_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.fiscal_year_label}"

    @property
    def fiscal_year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year)


class AnnualActivityRevision(AuditChained):
    """One change of a year's counts or status: who, when, old → new, and why. Append-only.

    `services` is the only writer; the admin shows these read-only and nobody may delete one
    (PROTECT keeps them even if someone tries to delete the counts).
    """

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Reported")
        CORRECTED = "corrected", _("Corrected")
        ACCEPTED = "accepted", _("Accepted")
        DISPUTED = "disputed", _("Disputed")

    activity = models.ForeignKey(AnnualActivity, on_delete=models.PROTECT, related_name="revisions")
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("The import file, if any.")
    )
    old_individuals_served = models.PositiveIntegerField(null=True, blank=True)
    new_individuals_served = models.PositiveIntegerField()
    old_records_activities = models.PositiveIntegerField(null=True, blank=True)
    new_records_activities = models.PositiveIntegerField()
    old_methodology = models.TextField(blank=True)
    new_methodology = models.TextField(blank=True)
    old_status = models.CharField(max_length=10, blank=True, choices=AnnualActivity.Status.choices)
    new_status = models.CharField(max_length=10, choices=AnnualActivity.Status.choices)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version after"))

    class Meta:
        ordering = ["activity", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "version"], name="one_revision_per_version"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["reported", "corrected", "accepted", "disputed"]),
                name="revision_kind_known",
            ),
        ]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.activity} v{self.version} {self.kind}"

    @property
    def counts_changed(self) -> bool:
        return (self.old_individuals_served, self.old_records_activities) != (
            self.new_individuals_served,
            self.new_records_activities,
        )


class CountImport(models.Model):
    """A parsed upload waiting for confirmation, keyed by an unguessable token.

    The preview is shown from these stored rows; confirming re-validates them against the
    database as it is then, so nothing applied was only true when the preview was drawn.
    """

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    file_errors = models.JSONField(default=list)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


def fiscal_year_label(year: int) -> str:
    """'SFY 2025-26' for the year that starts on April 1, 2025."""
    return f"SFY {year}-{(year + 1) % 100:02d}"


def current_fiscal_year(today: date | None = None) -> int:
    """The start year of the state fiscal year that contains `today` (New York date)."""
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1
