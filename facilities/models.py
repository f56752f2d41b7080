import uuid
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from classification.standard import FACILITY_TYPES, TITLES
from common.audit import AuditChained, append_only_triggers
from common.search import trigram_index

from . import roles


class Agency(models.Model):
    """A State agency whose facilities hold HIM positions (reference data)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Where the Division's decision letters are addressed (the agency's HR office).
    personnel_office = models.CharField(
        _("personnel office"),
        max_length=200,
        blank=True,
        help_text=_(
            "The office decision letters are addressed to, e.g. “Office of Human Resources”."
        ),
    )
    personnel_address = models.TextField(
        _("personnel office mailing address"),
        blank=True,
        help_text=_("One line per line of the envelope: street, then city, state and ZIP code."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.code


class User(AbstractUser):
    """A person who signs in. Agency HR users belong to exactly one agency; DCC staff to none."""

    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("agency"),
        help_text=_("Required for Agency HR users; leave empty for DCC staff."),
    )
    job_title = models.CharField(
        _("job title"),
        max_length=200,
        blank=True,
        help_text=_(
            "Printed under the name in decision letters, e.g. “Associate Personnel Analyst”."
        ),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [(code, label) for code, label in roles.PERMISSION_NAMES.items()]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        # One query per request, however many predicates ask.
        if not self.pk or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    @cached_property
    def authority(self):
        """What this user holds today through delegations (`facilities.authority.Authority`): read once
        per request, like `role_names`. Services read it again on their locked rows."""
        from .selectors import authority_of

        return authority_of(self)

    @property
    def is_agency_hr(self) -> bool:
        return roles.AGENCY_HR in self.role_names and self.agency_id is not None

    @property
    def is_supervisor(self) -> bool:
        return roles.SUPERVISOR in self.role_names

    @property
    def is_analyst(self) -> bool:
        """Analysts and supervisors: a supervisor may do everything an analyst may."""
        return roles.ANALYST in self.role_names or self.is_supervisor

    @property
    def is_dcc_staff(self) -> bool:
        return self.is_analyst

    @property
    def is_employee(self) -> bool:
        """An employee who files for their own position(s): never also HR or DCC staff, so
        no one comments on, reviews or decides their own request."""
        return (
            roles.EMPLOYEE in self.role_names
            and not self.is_analyst
            and roles.AGENCY_HR not in self.role_names
        )

    @property
    def role_label(self) -> str:
        if self.is_supervisor:
            return str(_("Classification supervisor"))
        if self.is_analyst:
            return str(_("Classification analyst"))
        if self.is_agency_hr:
            assert self.agency is not None  # the user form requires Agency HR's agency
            return str(_("Agency HR, %(agency)s") % {"agency": self.agency.code})
        if self.is_employee:
            return str(_("Employee"))
        if self.is_superuser:
            return str(_("Administrator"))
        return str(_("No role"))


class OidcIdentity(models.Model):
    """A person's account at an OpenID Connect provider (NY.gov ID): the provider's issuer and
    the stable subject id it gives them. The only way a sign-in through the provider finds a
    user (facilities.oidc); an email address never does, as addresses are reused and changed."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="oidc_identities", verbose_name=_("user")
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("first signed in"), default=timezone.now, editable=False)
    last_signed_in = models.DateTimeField(_("last signed in"), null=True, blank=True)

    class Meta:
        verbose_name = _("NY.gov ID identity")
        verbose_name_plural = _("NY.gov ID identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


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


class DateRange(Func):
    """daterange(start, end, '[]'): both New York dates included."""

    function = "DATERANGE"
    output_field = DateRangeField()


class Delegation(models.Model):
    """Someone acts for someone else for a period of New York dates, both included
    (docs/decisions/0018-delegation.md): an acting supervisor decides for a supervisor on
    leave, or a covering analyst works an absent analyst's assigned requests. It takes effect
    and lapses by the calendar alone; ending it early stops it at once. Written only by
    `facilities.services.delegations`, each write with a `DelegationEvent`."""

    class Kind(models.TextChoices):
        ACTING_SUPERVISOR = "acting_supervisor", _("Acting supervisor")
        ANALYST_COVER = "analyst_cover", _("Covering analyst")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("for (away)"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_held",
        verbose_name=_("by (acting or covering)"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ended_at = models.DateTimeField(_("ended early at"), null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="delegation_dates"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=F("delegate")), name="delegation_not_to_oneself"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_by__isnull=True)
                | Q(ended_at__isnull=False, ended_by__isnull=False),
                name="delegation_ended_by_someone",
            ),
            # One delegation of a kind at a time for a person away: two overlapping ones would
            # leave "for whom" and "by whom" ambiguous. Ended ones no longer count.
            ExclusionConstraint(
                name="delegation_no_overlap",
                expressions=[
                    (F("delegator"), RangeOperators.EQUAL),
                    (F("kind"), RangeOperators.EQUAL),
                    (
                        DateRange("starts_on", "ends_on", RangeBoundary(True, True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(ended_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s for %(delegator)s: %(delegate)s, %(start)s to %(end)s") % {
            "kind": self.get_kind_display(),
            "delegator": self.delegator,
            "delegate": self.delegate,
            "start": self.starts_on,
            "end": self.ends_on,
        }

    def get_absolute_url(self) -> str:
        return reverse("delegations:delegation_update", args=[self.pk])

    def phase(self, today: date) -> str:
        """ "current", "future" or "past" on New York date `today`."""
        if self.ended_at is not None or self.ends_on < today:
            return "past"
        if self.starts_on > today:
            return "future"
        return "current"


class DelegationEvent(AuditChained):
    """One create, change or early end of a delegation, with the dates it then had. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        END = "end", _("Ended early")

    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20)
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["delegation", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["create", "change", "end"]),
                name="delegation_event_action_known",
            ),
        ]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.action} {self.delegation_id}"
