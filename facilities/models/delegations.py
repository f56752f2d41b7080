"""Delegations: what one person may do for another over a date range, and their events."""

from datetime import date

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.audit import AuditChained, append_only_triggers
from common.fields import actor_field


def latest_last_day(starts_on: date) -> date:
    """The latest last day of a delegation that starts on `starts_on`: the same day a year on
    (February 29 gives February 28). A delegation covers a leave; an absence longer than that
    is a reassignment of the work (docs/decisions/0018-delegation.md)."""
    if starts_on.year == date.max.year:  # no year after it
        return date.max
    try:
        return starts_on.replace(year=starts_on.year + 1)
    except ValueError:
        return starts_on.replace(year=starts_on.year + 1, day=28)


def last_day_problem(starts_on: date, ends_on: date) -> str | None:
    """The sentence for a last day more than a year after the first, else None (the form
    says it at the field, the service on the locked rows)."""
    latest = latest_last_day(starts_on)
    if ends_on <= latest:
        return None
    return gettext(
        "A delegation can last a year at most: choose %(latest)s or earlier as the last day."
    ) % {"latest": date_format(latest)}


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
    ended_by = actor_field()
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
            "start": date_format(self.starts_on),
            "end": date_format(self.ends_on),
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
