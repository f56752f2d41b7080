"""Permission-aware reads for positions and reclassification requests.

Every queryset a user sees starts here: Agency HR sees its own agency's objects only, DCC staff
see everything, anyone else sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from classification.allocation import Allocation, allocate
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    TECHNICIAN_1,
    TECHNICIAN_2,
    TITLES_BY_CODE,
)
from facilities import permissions
from facilities.models import AnnualActivity, AnnualActivityRevision, Facility

from .models import Position, ReclassificationRequest, Title
from .workflow import DRAFT, OPEN_STATUSES, RECOMMENDED, SUBMITTED

ADMINISTRATOR_CODES = (ADMINISTRATOR_1, ADMINISTRATOR_2, ADMINISTRATOR_3)
_UNSET: Any = object()  # "not given" where None is a meaningful value
# COUNT(*) in a subquery (no GROUP BY): unlike COUNT(id) it reads no column, so PostgreSQL
# answers from the index alone.
COUNT_ROWS = Func(template="COUNT(*)", output_field=IntegerField())


def positions_visible_to(user: Any) -> QuerySet[Position]:
    """Positions `user` may see: all for DCC staff, its agency's for Agency HR, else none."""
    qs = Position.objects.select_related("facility__agency", "title", "incumbent", "reports_to")
    if permissions.is_dcc_staff(user):
        return qs
    if permissions.is_agency_hr(user):
        return qs.filter(facility__agency_id=user.agency_id)
    return qs.none()


def positions_for_facility(user: Any, facility: Facility) -> QuerySet[Position]:
    """The positions of one facility that `user` may see (none if the facility is not theirs)."""
    return (
        positions_visible_to(user).filter(facility=facility).order_by("-title__rank", "item_number")
    )


def chief_position(facility: Facility) -> Position | None:
    """The facility's chief HIM position: its highest active Administrator position, or None."""
    return (
        Position.objects.filter(facility=facility, active=True, title__code__in=ADMINISTRATOR_CODES)
        .select_related("title")
        .order_by("-title__rank", "item_number")
        .first()
    )


def reclassifications_visible_to(user: Any) -> QuerySet[ReclassificationRequest]:
    """Requests `user` may see: its agency's for Agency HR; for DCC staff every request but
    drafts (a draft is the agency's own business until it is submitted, so every URL of one,
    its attachments and actions included, answers DCC staff 404 as another agency's objects
    do); none for anyone else."""
    qs = ReclassificationRequest.objects.select_related(
        "position__facility__agency",
        "position__title",
        "current_title",
        "proposed_title",
        "recommended_title",
        "assigned_to",
    )
    if permissions.is_dcc_staff(user):
        return qs.exclude(status=DRAFT)
    if permissions.is_agency_hr(user):
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def with_turnaround(qs: QuerySet[ReclassificationRequest], today: date | None = None) -> QuerySet:
    """Annotate `open_for` (calendar days from submission, paused while information is
    requested; New York dates) and `is_overdue` (past settings.HIM_TURNAROUND_TARGET_DAYS)."""
    today = today or timezone.localdate()
    today_v = Value(today, output_field=DateField())
    zero = Value(timedelta(0), output_field=DurationField())
    open_for = ExpressionWrapper(
        Coalesce(F("closed_on"), today_v)
        - F("submitted_on")
        - F("paused_total")
        - Coalesce(ExpressionWrapper(today_v - F("paused_since"), DurationField()), zero),
        output_field=DurationField(),
    )
    target = timedelta(days=settings.HIM_TURNAROUND_TARGET_DAYS)
    return qs.annotate(open_for=open_for).annotate(
        is_overdue=Case(
            When(Q(status__in=OPEN_STATUSES, open_for__gt=target), then=Value(True)),
            default=Value(False),
        )
    )


def reclassification_queue(user: Any, tab: str) -> QuerySet[ReclassificationRequest]:
    """The queue tab `tab` for `user` (unassigned, mine, awaiting, all), with turnaround."""
    qs = reclassifications_visible_to(user)
    if permissions.is_dcc_staff(user):
        if tab == "unassigned":
            qs = qs.filter(status=SUBMITTED)
        elif tab == "mine":
            qs = qs.filter(my_work(user), status__in=OPEN_STATUSES).annotate(
                # Labelled "covering for …" in the queue.
                covering=ExpressionWrapper(
                    Q(assigned_to__in=_covered(user)), output_field=BooleanField()
                )
            )
        elif tab == "awaiting" and permissions.is_supervisor(user):
            qs = qs.filter(status=RECOMMENDED)
    return with_turnaround(qs)


def _covered(user: Any) -> QuerySet:
    """The analysts whose assigned requests `user` covers today (delegations), as a subquery:
    no query of its own, so every page that counts "mine" keeps its query count."""
    from facilities.models import Delegation
    from facilities.selectors import delegations_in_effect

    return (
        delegations_in_effect(timezone.localdate())
        .filter(kind=Delegation.Kind.ANALYST_COVER, delegate=user)
        .values("delegator")
    )


def my_work(user: Any) -> Q:
    """A DCC user's own work: requests assigned to them, and those of the analysts they cover
    for today (docs/decisions/00NN-delegation.md), which stay assigned to the analyst away."""
    return Q(assigned_to=user) | Q(assigned_to__in=_covered(user))


def queue_tabs(user: Any) -> list[tuple[str, Any]]:
    from django.utils.translation import gettext_lazy as _

    if not permissions.is_dcc_staff(user):
        return []
    tabs = [("unassigned", _("Unassigned")), ("mine", _("Mine"))]
    if permissions.is_supervisor(user):
        tabs.append(("awaiting", _("Awaiting decision")))
    tabs.append(("all", _("All")))
    return tabs


def tab_counts(user: Any) -> dict[str, int]:
    """How many requests each queue tab holds, in one query.

    One scalar subquery per tab rather than one pass with FILTERed counts: each tab's
    condition then uses the (status, assigned_to) index instead of reading every request.
    """
    if not permissions.is_dcc_staff(user):
        return {}
    requests = ReclassificationRequest.objects.order_by()
    conditions = {
        "unassigned": Q(status=SUBMITTED),
        "mine": my_work(user) & Q(status__in=OPEN_STATUSES),
        "awaiting": Q(status=RECOMMENDED),
        "all": ~Q(status="draft"),
    }
    counts = {
        name: Subquery(requests.filter(condition).annotate(n=COUNT_ROWS).values("n"))
        for name, condition in conditions.items()
    }
    # Any one row of a small reference table carries the four subqueries (a SELECT without
    # FROM is not expressible in the ORM); the titles always exist.
    row = Title.objects.order_by().annotate(**counts).values(*conditions).first()
    return row or dict.fromkeys(conditions, 0)


@dataclass(frozen=True)
class Determination:
    """What the standard warrants for a facility now, and the counts year it rests on."""

    allocation: Allocation
    fiscal_year: int | None
    title: Title | None


def latest_accepted_counts(facility: Facility) -> AnnualActivity | None:
    return (
        AnnualActivity.objects.filter(facility=facility, status=AnnualActivity.Status.ACCEPTED)
        .order_by("-fiscal_year")
        .first()
    )


def counts_as_of(facility: Facility, fiscal_year: int, moment: datetime) -> LatestCounts | None:
    """A year's counts for the facility as they stood at `moment` (the last revision recorded
    by then; the row itself when it has no revision), or None when the year has no counts.

    A request freezes its determination's year when it is recommended; the letter quotes the
    figures of that moment, not a correction made since."""
    activity = AnnualActivity.objects.filter(facility=facility, fiscal_year=fiscal_year).first()
    if activity is None:
        return None
    revision = (
        AnnualActivityRevision.objects.filter(activity=activity, at__lte=moment)
        .order_by("-version")
        .first()
    )
    source = (
        (revision.new_individuals_served, revision.new_records_activities)
        if revision
        else (activity.individuals_served, activity.records_activities)
    )
    return LatestCounts(fiscal_year, *source)


def determination_for_facility(
    facility: Facility, counts: AnnualActivity | Any | None = _UNSET
) -> Determination:
    """allocate() on the facility's latest accepted counts (counts decide only DDSOOs).

    Pass `counts` (an object with fiscal_year, individuals_served and records_activities, or
    None) when already loaded, e.g. by `with_latest_accepted_counts`.
    """
    if counts is _UNSET:
        counts = latest_accepted_counts(facility)
    allocation = allocate(
        facility.facility_type,
        individuals_served=counts.individuals_served if counts else None,
        records_activities=counts.records_activities if counts else None,
    )
    title = (
        Title.objects.filter(code=allocation.title_code).first() if allocation.title_code else None
    )
    return Determination(allocation, counts.fiscal_year if counts else None, title)


@dataclass(frozen=True)
class LatestCounts:
    fiscal_year: int
    individuals_served: int
    records_activities: int


def with_request_page_facts(qs: QuerySet[ReclassificationRequest]) -> QuerySet:
    """Annotate what a request's page needs about its facility, in the request's own query:
    the latest accepted counts (`latest_*`) and the chief HIM position (`chief_*`).
    Read them back with `latest_counts_of` and `chief_of`."""
    facility = OuterRef("position__facility")
    accepted = AnnualActivity.objects.filter(
        facility=facility, status=AnnualActivity.Status.ACCEPTED
    ).order_by("-fiscal_year")
    chief = Position.objects.filter(
        facility=facility, active=True, title__code__in=ADMINISTRATOR_CODES
    ).order_by("-title__rank", "item_number")
    return qs.annotate(
        latest_year=Subquery(accepted.values("fiscal_year")[:1]),
        latest_individuals=Subquery(accepted.values("individuals_served")[:1]),
        latest_activities=Subquery(accepted.values("records_activities")[:1]),
        chief_id=Subquery(chief.values("pk")[:1]),
        chief_item=Subquery(chief.values("item_number")[:1]),
        chief_title_code=Subquery(chief.values("title__code")[:1]),
    )


def latest_counts_of(r: ReclassificationRequest) -> LatestCounts | None:
    if r.latest_year is None:
        return None
    return LatestCounts(r.latest_year, r.latest_individuals, r.latest_activities)


def chief_of(r: ReclassificationRequest) -> Position | None:
    """The chief position annotated by `with_request_page_facts`, for display only: an
    unsaved stand-in holding its id, item number and title (from the standard's table)."""
    if r.chief_id is None:
        return None
    t = TITLES_BY_CODE[r.chief_title_code]
    return Position(
        pk=r.chief_id,
        item_number=r.chief_item,
        title=Title(code=t.code, name=t.name, grade=t.grade),
    )


@dataclass(frozen=True)
class SupervisionCheck:
    ok: bool
    message: str


def supervision_checks(
    position: Position,
    proposed_title: Title | None,
    *,
    determination: Determination | None = None,
    chief: Position | Any | None = _UNSET,
) -> list[SupervisionCheck]:
    """DOMAIN.md's position-level checks for a request's position and proposed title.

    Pass the facility's `determination` and `chief` position when already loaded."""
    from django.utils.translation import gettext as _

    checks: list[SupervisionCheck] = []
    code = proposed_title.code if proposed_title else position.title.code
    if code == TECHNICIAN_2:
        reports = position.direct_reports.filter(active=True, title__code=TECHNICIAN_1).count()
        if reports:
            checks.append(
                SupervisionCheck(
                    True,
                    _("%(n)s Technician 1 position(s) report to this position.") % {"n": reports},
                )
            )
        else:
            checks.append(
                SupervisionCheck(
                    False,
                    _(
                        "No Technician 1 position reports to this position: a Technician 2 "
                        "supervises Technicians 1 (or is an overall assistant to an "
                        "Administrator)."
                    ),
                )
            )
    if code in ADMINISTRATOR_CODES:
        if determination is None:
            determination = determination_for_facility(position.facility)
        if chief is _UNSET:
            chief = chief_position(position.facility)
        warranted = determination.title
        if warranted is None:
            checks.append(
                SupervisionCheck(False, _("The standard gives this facility no automatic level."))
            )
        elif code == warranted.code:
            checks.append(
                SupervisionCheck(
                    True,
                    _("%(title)s is the level the standard warrants for this facility's chief.")
                    % {"title": warranted.short_name},
                )
            )
        elif code == ADMINISTRATOR_1 and warranted.code == ADMINISTRATOR_3:
            checks.append(
                SupervisionCheck(
                    True,
                    _(
                        "An Administrator 1 may serve as assistant to an Administrator 3 in a "
                        "facility whose chief is an Administrator 3."
                    ),
                )
            )
        else:
            checks.append(
                SupervisionCheck(
                    False,
                    _("The standard warrants %(title)s for this facility's chief position.")
                    % {"title": warranted.short_name},
                )
            )
        if chief is not None and chief.pk != position.pk:
            checks.append(
                SupervisionCheck(
                    True,
                    _("The facility's chief HIM position is %(item)s (%(title)s).")
                    % {"item": chief.item_number, "title": chief.title.short_name},
                )
            )
    return checks


def saved_filters_for(user: Any) -> QuerySet:
    """The user's own saved queue filters (nobody sees another user's)."""
    from .models import SavedFilter

    if not (user and user.is_authenticated):
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(user=user).order_by("name")
