"""Agencies, the people who sign in, and their NY.gov identities."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .. import roles


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
        from ..selectors import authority_of

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
