from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from classification.standard import FACILITY_TYPES

from . import roles


class Agency(models.Model):
    """A State agency whose facilities hold HIM positions (reference data)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)

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
    def role_label(self) -> str:
        if self.is_supervisor:
            return str(_("Classification supervisor"))
        if self.is_analyst:
            return str(_("Classification analyst"))
        if self.is_agency_hr:
            return str(_("Agency HR, %(agency)s") % {"agency": self.agency.code})
        if self.is_superuser:
            return str(_("Administrator"))
        return str(_("No role"))


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
        indexes = [models.Index(fields=["agency", "name"]), models.Index(fields=["facility_type"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:facility_detail", args=[self.pk])

    def clean(self) -> None:
        if self.host_facility_id and self.host_facility_id == self.pk:
            raise ValidationError({"host_facility": _("A facility cannot be its own host.")})


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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["facility", "-fiscal_year"]
        verbose_name_plural = _("annual activities")
        constraints = [
            models.UniqueConstraint(fields=["facility", "fiscal_year"], name="one_count_per_year"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=1990, fiscal_year__lte=2100),
                name="fiscal_year_sane",
            ),
            models.CheckConstraint(
                condition=Q(individuals_served__gte=0, records_activities__gte=0),
                name="counts_not_negative",
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


def fiscal_year_label(year: int) -> str:
    """'SFY 2025-26' for the year that starts on April 1, 2025."""
    return f"SFY {year}-{(year + 1) % 100:02d}"
