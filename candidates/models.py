from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import AuditChained, append_only_triggers
from common.search import trigram_index, upper_index
from facilities.models import Agency

from .dates import EARLIEST, EnteredDate, date_problems


def _from_earliest(*fields: str, optional: tuple[str, ...] = ()) -> Q:
    """The database's side of the dates rule (candidates.dates): none before EARLIEST."""
    condition = Q(**{f"{f}__gte": EARLIEST for f in fields})
    for f in optional:
        condition &= Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": EARLIEST})
    return condition


DATES_FROM_EARLIEST = _(
    "Dates before 1900 are not accepted: enter the date with its full four-digit year."
)

PERSON_DATES = {
    "degree_date": EnteredDate(_("The degree date"), _("the date the college degree was awarded")),
}
CREDENTIAL_DATES = {
    "awarded_on": EnteredDate(_("The award date"), _("the date AHIMA awarded the credential")),
    "valid_through": EnteredDate(
        _("The valid-through date"),
        _("the last day the credential is valid, as AHIMA shows it"),
        past=False,
    ),
}
VERIFICATION_DATES = {
    "requested_on": EnteredDate(
        _("The request date"), _("the date the verification was asked for")
    ),
    "verified_on": EnteredDate(
        _("The verification date"), _("the date AHIMA's record was checked")
    ),
    "valid_through_returned": EnteredDate(
        _("The valid-through date"),
        _("the last day the credential is valid, as AHIMA returned it"),
        past=False,
    ),
}
SPELL_DATES = {
    "start": EnteredDate(_("The start date"), _("the day the job began")),
    "end": EnteredDate(
        _("The end date"),
        _("the last day of the job (leave it empty if it goes on)"),
        past=False,
    ),
}


class Person(models.Model):
    """Someone measured against the series' minimum qualifications (an incumbent or candidate)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="people", verbose_name=_("agency")
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    employee_id = models.CharField(_("employee id"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    degree = models.CharField(_("college degree"), max_length=200, blank=True)
    degree_date = models.DateField(
        _("degree date"),
        null=True,
        blank=True,
        help_text=_("Administrator 1 by the RHIT path counts experience from this date."),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "employee_id"],
                condition=~models.Q(employee_id=""),
                name="employee_id_unique_per_agency",
                violation_error_message=_(
                    "Another person in this agency already has this employee id. Find them in "
                    "the people list, or check the id."
                ),
            ),
            models.CheckConstraint(
                condition=_from_earliest(optional=("degree_date",)),
                name="person_dates_from_1900",
                violation_error_message=DATES_FROM_EARLIEST,
            ),
        ]
        indexes = [
            # The people list's order: its first page without sorting 20,000 people.
            models.Index(fields=["family_name", "given_name", "id"], name="person_sort_name"),
            # The people list's search box (common.search).
            trigram_index("person_given_name_upper_trgm", "given_name"),
            trigram_index("person_family_name_upper_trgm", "family_name"),
            trigram_index("person_employee_id_upper_trgm", "employee_id"),
            trigram_index("person_email_upper_trgm", "email"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:person_detail", args=[self.pk])

    @property
    def sort_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    def clean(self) -> None:
        if errors := date_problems(PERSON_DATES, vars(self)):
            raise ValidationError(errors)


class CredentialKind(models.TextChoices):
    RHIT = "RHIT", _("RHIT (Registered Health Information Technician)")
    RHIA = "RHIA", _("RHIA (Registered Health Information Administrator)")
    ART = "ART", _("ART (former name of RHIT)")
    RRA = "RRA", _("RRA (former name of RHIA)")


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    REVOKED = "revoked", _("Revoked")


class Credential(models.Model):
    """An AHIMA certification a person holds; status and dates as last verified.

    `status`, `valid_through` and `last_verified_on` follow the latest verification in
    force (`services.record_verification` sets them); before any verification they hold
    what the agency reported.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="credentials", verbose_name=_("person")
    )
    kind = models.CharField(_("credential"), max_length=4, choices=CredentialKind.choices)
    ahima_id = models.CharField(_("AHIMA id"), max_length=20, blank=True)
    awarded_on = models.DateField(_("awarded on"))
    valid_through = models.DateField(_("valid through"), null=True, blank=True)
    status = models.CharField(
        _("AHIMA status"),
        max_length=8,
        choices=CredentialStatus.choices,
        default=CredentialStatus.ACTIVE,
    )
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    # The bulk "verification requested" marker; a recorded verification clears it.
    reverification_requested_on = models.DateField(
        _("verification requested on"), null=True, blank=True
    )
    reverification_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verification requested by"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["person", "kind"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                name="one_credential_kind_per_person",
                violation_error_message=_(
                    "This person already has a credential of this kind: open it from their "
                    "page to change it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CredentialKind.values), name="credential_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CredentialStatus.values), name="credential_status_known"
            ),
            models.CheckConstraint(
                condition=Q(valid_through__isnull=True) | Q(valid_through__gte=F("awarded_on")),
                name="credential_valid_after_award",
            ),
            models.CheckConstraint(
                condition=_from_earliest("awarded_on", optional=("valid_through",)),
                name="credential_dates_from_1900",
                violation_error_message=DATES_FROM_EARLIEST,
            ),
        ]
        indexes = [
            models.Index(fields=["last_verified_on"]),
            models.Index(fields=["valid_through"]),
            # AHIMA ids are compared without case.
            upper_index("credential_ahima_id_upper", "ahima_id"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.person}"

    def clean(self) -> None:
        errors = date_problems(CREDENTIAL_DATES, vars(self))
        if self.valid_through and self.awarded_on and self.valid_through < self.awarded_on:
            errors.setdefault(
                "valid_through", _("The credential cannot be valid only until before its award.")
            )
        if errors:
            raise ValidationError(errors)


class Verification(AuditChained):
    """One primary-source check of a credential with AHIMA. Append-only: a mistake is
    corrected by a new verification that names the one it `corrects`."""

    class Source(models.TextChoices):
        AHIMA_ONLINE = "ahima_online", _("AHIMA online lookup")
        AHIMA_LETTER = "ahima_letter", _("AHIMA letter")
        OTHER = "other", _("Other")

    credential = models.ForeignKey(
        Credential,
        on_delete=models.PROTECT,
        related_name="verifications",
        verbose_name=_("credential"),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    status_returned = models.CharField(
        _("status returned"), max_length=8, choices=CredentialStatus.choices
    )
    valid_through_returned = models.DateField(_("valid through returned"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="verifications/", blank=True)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True)
    evidence_size = models.PositiveIntegerField(_("evidence size (bytes)"), null=True, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
        help_text=_("The earlier verification this one corrects, if any."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-verified_on", "-recorded_at"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["ahima_online", "ahima_letter", "other"]),
                name="verification_source_known",
            ),
            models.CheckConstraint(
                condition=Q(status_returned__in=CredentialStatus.values),
                name="verification_status_known",
            ),
            models.CheckConstraint(
                condition=Q(requested_on__isnull=True) | Q(verified_on__gte=F("requested_on")),
                name="verification_after_request",
            ),
            models.CheckConstraint(
                condition=~Q(corrects=F("pk")), name="verification_not_own_correction"
            ),
            models.CheckConstraint(
                condition=_from_earliest(
                    "verified_on", optional=("requested_on", "valid_through_returned")
                ),
                name="verification_dates_from_1900",
                violation_error_message=DATES_FROM_EARLIEST,
            ),
        ]
        triggers = append_only_triggers()

    def __str__(self) -> str:
        from django.utils.formats import date_format

        return f"{self.credential.kind} verified {date_format(self.verified_on)}"

    def clean(self) -> None:
        errors = date_problems(VERIFICATION_DATES, vars(self))
        if self.requested_on and self.verified_on and self.requested_on > self.verified_on:
            errors.setdefault(
                "requested_on", _("The request must be on or before the verification date.")
            )
        if (
            self.corrects_id
            and self.credential_id
            and self.corrects is not None  # set with corrects_id; mypy cannot tell
            and self.corrects.credential_id != self.credential_id
        ):
            errors["corrects"] = _("A verification can only correct one of the same credential.")
        if errors:
            raise ValidationError(errors)


class ExperienceSpell(models.Model):
    """A spell of work; `end` empty means it is still going on. HIM spells count as experience."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="spells", verbose_name=_("person")
    )
    employer = models.CharField(_("employer"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Leave empty if ongoing."))
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=2,
        default=37.5,
        help_text=_("More than 0 and at most 80; full time is 37.5."),
    )
    him = models.BooleanField(
        _("HIM experience"),
        default=True,
        help_text=_("Health information management work counts toward the experience required."),
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["person", "-start"]
        verbose_name = _("experience spell")
        verbose_name_plural = _("experience spells")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="spell_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=80),
                name="spell_hours_in_range",
            ),
            models.CheckConstraint(
                condition=_from_earliest("start", optional=("end",)),
                name="spell_dates_from_1900",
                violation_error_message=DATES_FROM_EARLIEST,
            ),
        ]

    def __str__(self) -> str:
        from django.utils.formats import date_format

        end = date_format(self.end) if self.end else _("ongoing")
        return f"{self.title}, {self.employer} ({date_format(self.start)} – {end})"

    def clean(self) -> None:
        errors = date_problems(SPELL_DATES, vars(self))
        if self.start and self.end and self.end < self.start:
            errors.setdefault(
                "end", _("The spell ends before it starts: correct the start or the end date.")
            )
        h = self.hours_per_week
        if h is not None and not (0 < h <= 80):
            errors["hours_per_week"] = _(
                "Hours per week must be more than 0 and at most 80 (full time is 37.5)."
            )
        if errors:
            raise ValidationError(errors)
