"""Permission-aware reads for positions and reclassification requests.

Every queryset a user sees starts here: Agency HR sees its own agency's objects only, DCC staff
see everything, anyone else sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

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

if TYPE_CHECKING:  # django-stubs-ext is a development package
    from django_stubs_ext import WithAnnotations

from classification.allocation import Allocation, allocate
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    TECHNICIAN_1,
    TECHNICIAN_2,
    TITLES_BY_CODE,
    title_rank,
)
from facilities import permissions
from facilities.models import AnnualActivity, AnnualActivityRevision, Facility, User

from .models import Position, PositionTitleChange, ReclassificationRequest, Title
from .workflow import DRAFT, OPEN_STATUSES, RECOMMENDED, SUBMITTED

ADMINISTRATOR_CODES = (ADMINISTRATOR_1, ADMINISTRATOR_2, ADMINISTRATOR_3)
_UNSET: Any = object()  # "not given" where None is a meaningful value
# COUNT(*) in a subquery (no GROUP BY): unlike COUNT(id) it reads no column, so PostgreSQL
# answers from the index alone.
COUNT_ROWS = Func(template="COUNT(*)", output_field=IntegerField())


def positions_visible_to(user: User) -> QuerySet[Position]:
    """Positions `user` may see: all for DCC staff, its agency's for Agency HR, an employee's
    own (the positions an administrator linked to them), else none."""
    qs = Position.objects.select_related("facility__agency", "title", "incumbent", "reports_to")
    if permissions.is_dcc_staff(user):
        return qs
    if permissions.is_agency_hr(user) and user.agency_id is not None:
        return qs.filter(facility__agency_id=user.agency_id)
    if permissions.is_employee(user):
        return qs.filter(employees=user)
    return qs.none()


def positions_for_facility(user: User, facility: Facility) -> QuerySet[Position]:
    """The positions of one facility that `user` may see (none if the facility is not theirs)."""
    return (
        positions_visible_to(user).filter(facility=facility).order_by("-title__rank", "item_number")
    )


# Annotated querysets: what `annotate` adds is declared once here (a TypedDict per set of
# annotations) and the rows typed `WithAnnotations[Model, Facts]` (django-stubs), so that
# mypy knows the names. Values from subqueries are None when the subquery finds no row.
class TitleOnFacts(TypedDict):
    # chiefs_on keeps only the positions with an Administrator title that day: never None.
    title_id_on: int
    title_code_on: str
    title_rank_on: int


class RequestPageFacts(TypedDict):
    latest_year: int | None  # None: no accepted counts
    latest_individuals: int  # from the same row as latest_year (set whenever it is)
    latest_activities: int
    chief_id: int | None  # None: no chief position
    chief_item: str  # from the same row as chief_id (set whenever it is)
    chief_title_code: str


def chiefs_on(on: date, **filters: Any) -> QuerySet[WithAnnotations[Position, TitleOnFacts]]:
    """Active positions holding an Administrator title on `on`, highest first (then by item
    number), annotated with that title's `title_id_on`, `title_code_on` and `title_rank_on`.
    The first of a facility's is its chief HIM position that day."""
    return (
        Position.objects.filter(active=True, **filters)
        .annotate(
            title_id_on=title_on(on),
            title_code_on=title_on(on, field="to_title__code"),
            title_rank_on=title_on(on, field="to_title__rank"),
        )
        .filter(title_code_on__in=ADMINISTRATOR_CODES)
        .order_by("-title_rank_on", "item_number")
    )


def _stand_in(pk: int, item_number: str, code: str) -> Position:
    t = TITLES_BY_CODE[code]
    rank = title_rank(code) + 1  # the rank classification.titles seeds
    return Position(
        pk=pk,
        item_number=item_number,
        title=Title(code=t.code, name=t.name, grade=t.grade, rank=rank),
    )


def chief_position(facility: Facility, on: date | None = None) -> Position | None:
    """The facility's chief HIM position on `on` (New York today by default): its highest
    active Administrator position by the title in effect that day, or None. For reading only:
    an unsaved stand-in holding the id, item number and the title in effect on `on`."""
    on = on or timezone.localdate()
    chief = chiefs_on(on, facility=facility).values("pk", "item_number", "title_code_on").first()
    if chief is None:
        return None
    return _stand_in(chief["pk"], chief["item_number"], chief["title_code_on"])


# --- titles in effect (docs/decisions/0014-effective-dates.md) ------------------------------
#
# The title history is effective-dated: a position holds, on a day, the title of its latest
# change effective on or before that day. `Position.title` stores the title in effect today,
# kept by `services.apply_due_title_changes` (run daily); what asks about a day reads the
# history itself, so it is right on any day, also before the daily run.


def _changes_in_effect(position_ref: Any, on: date) -> QuerySet[PositionTitleChange]:
    return PositionTitleChange.objects.filter(position=position_ref, effective_on__lte=on).order_by(
        "-effective_on", "-changed_at", "-pk"
    )


def title_on(on: date, *, field: str = "to_title") -> Coalesce:
    """An expression for a position's title in effect on `on`, for annotating a queryset of
    positions: `field` "to_title" gives the title's id, "to_title__code" its code, and so on.
    A position without history then keeps its stored title."""
    stored = "title_id" if field == "to_title" else field.replace("to_title", "title", 1)
    subquery = Subquery(_changes_in_effect(OuterRef("pk"), on).values(field)[:1])
    return Coalesce(subquery, F(stored))


def title_in_effect(position: Position, on: date) -> Title:
    """The title `position` holds on `on` (its stored title if it has no history then)."""
    change = _changes_in_effect(position, on).select_related("to_title").first()
    return change.to_title if change is not None else position.title


def pending_title_change(position: Position, today: date) -> PositionTitleChange | None:
    """The position's next title change still to take effect after `today`, if any."""
    return (
        PositionTitleChange.objects.filter(position=position, effective_on__gt=today)
        .select_related("to_title", "reclassification")
        .order_by("effective_on", "changed_at", "pk")
        .first()
    )


def latest_title_change_on(position: Position) -> date | None:
    """The effective date of the position's latest title change (pending ones included)."""
    return (
        PositionTitleChange.objects.filter(position=position)
        .order_by("-effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )


def reclassifications_visible_to(user: User) -> QuerySet[ReclassificationRequest]:
    """Requests `user` may see: its agency's for Agency HR; for DCC staff every request but
    drafts (a draft is the agency's own business until it is submitted, so every URL of one,
    its attachments and actions included, answers DCC staff 404 as another agency's objects
    do); for an employee the requests they filed themselves (form CC-2E), and for Agency HR
    an employee's request only once it is filed (the employee's draft is theirs alone); none
    for anyone else. Another employee's request is a 404."""
    qs = ReclassificationRequest.objects.select_related(
        "position__facility__agency",
        "position__title",
        "current_title",
        "proposed_title",
        "recommended_title",
        "assigned_to",
        # Named on the request page: who recommended and decided, and for whom (delegations).
        "recommended_by",
        "recommended_for",
        "decided_by",
        "decided_for",
    )
    if permissions.is_dcc_staff(user):
        return qs.exclude(status=DRAFT)
    if permissions.is_agency_hr(user) and user.agency_id is not None:
        return qs.filter(agency_id=user.agency_id).exclude(status=DRAFT, employee__isnull=False)
    if permissions.is_employee(user):
        return qs.filter(employee=user)
    return qs.none()


def attachments_visible_to(user: User, reclassification: ReclassificationRequest) -> QuerySet:
    """The files of a request `user` may see (the request already came from
    `reclassifications_visible_to`): every one for the agency and DCC staff; for the
    employee who filed it, their own files and those the agency shared with its comment."""
    qs = reclassification.attachments.select_related("uploaded_by")
    if permissions.is_employee(user):
        return qs.filter(Q(uploaded_by=user) | Q(shared_with_employee=True))
    return qs


# What the employee who filed a request reads on its page: their own words, what DCC asks of
# them, and the decision. The agency's comment only when it chose to share it.
EMPLOYEE_VISIBLE_MESSAGES = (
    "file",
    "request_information",
    "respond",
    "withdraw",
    "approve",
    "deny",
)


def event_message_visible(user: User, reclassification: ReclassificationRequest, event) -> bool:
    """Whether `user` may read the message of one event of the request on its page."""
    if not permissions.is_employee(user):
        return True
    if event.action == "comment":
        return reclassification.agency_comment_shared
    return event.action in EMPLOYEE_VISIBLE_MESSAGES


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


def reclassification_queue(user: User, tab: str) -> QuerySet[ReclassificationRequest]:
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
    for today (docs/decisions/0018-delegation.md), which stay assigned to the analyst away."""
    return Q(assigned_to=user) | Q(assigned_to__in=_covered(user))


def queue_tabs(user: User) -> list[tuple[str, Any]]:
    from django.utils.translation import gettext_lazy as _

    if not permissions.is_dcc_staff(user):
        return []
    tabs = [("unassigned", _("Unassigned")), ("mine", _("Mine"))]
    if permissions.is_supervisor(user):
        tabs.append(("awaiting", _("Awaiting decision")))
    tabs.append(("appeals", _("Appeals")))
    tabs.append(("all", _("All")))
    return tabs


def tab_counts(user: User) -> dict[str, int]:
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
    from .appeal_workflow import OPEN_STATUSES as APPEAL_OPEN
    from .models import Appeal

    counts["appeals"] = Subquery(
        Appeal.objects.order_by().filter(status__in=APPEAL_OPEN).annotate(n=COUNT_ROWS).values("n")
    )
    names = (*conditions, "appeals")
    row = Title.objects.order_by().annotate(**counts).values(*names).first()
    return row or dict.fromkeys(names, 0)


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


def with_request_page_facts(
    qs: QuerySet[ReclassificationRequest], on: date | None = None
) -> QuerySet[WithAnnotations[ReclassificationRequest, RequestPageFacts]]:
    """Annotate what a request's page needs about its facility, in the request's own query:
    the latest accepted counts (`latest_*`) and the chief HIM position on `on` (today by
    default) by the title in effect then (`chief_*`). Read them back with `latest_counts_of`
    and `chief_of`."""
    facility = OuterRef("position__facility")
    accepted = AnnualActivity.objects.filter(
        facility=facility, status=AnnualActivity.Status.ACCEPTED
    ).order_by("-fiscal_year")
    chief = chiefs_on(on or timezone.localdate(), facility=facility)
    return qs.annotate(
        latest_year=Subquery(accepted.values("fiscal_year")[:1]),
        latest_individuals=Subquery(accepted.values("individuals_served")[:1]),
        latest_activities=Subquery(accepted.values("records_activities")[:1]),
        chief_id=Subquery(chief.values("pk")[:1]),
        chief_item=Subquery(chief.values("item_number")[:1]),
        chief_title_code=Subquery(chief.values("title_code_on")[:1]),
    )


def latest_counts_of(
    r: WithAnnotations[ReclassificationRequest, RequestPageFacts],
) -> LatestCounts | None:
    if r.latest_year is None:
        return None
    return LatestCounts(r.latest_year, r.latest_individuals, r.latest_activities)


def chief_of(r: WithAnnotations[ReclassificationRequest, RequestPageFacts]) -> Position | None:
    """The chief position annotated by `with_request_page_facts`, for display only: an
    unsaved stand-in holding its id, item number and title in effect (from the standard's
    table)."""
    if r.chief_id is None:
        return None
    return _stand_in(r.chief_id, r.chief_item, r.chief_title_code)


@dataclass(frozen=True)
class SupervisionCheck:
    ok: bool
    message: str


def supervision_checks(
    position: Position,
    proposed_title: Title | None,
    *,
    on: date | None = None,
    determination: Determination | None = None,
    chief: Position | Any | None = _UNSET,
) -> list[SupervisionCheck]:
    """DOMAIN.md's position-level checks for a request's position and proposed title, on
    `on` (New York today by default): the titles are those in effect that day, the facility's
    chief included. Pass the facility's `determination` and `chief` position (as
    `chief_position` gives it) when already loaded."""
    from django.utils.translation import gettext as _

    on = on or timezone.localdate()
    checks: list[SupervisionCheck] = []
    code = proposed_title.code if proposed_title else title_in_effect(position, on).code
    if code == TECHNICIAN_2:
        reports = (
            position.direct_reports.filter(active=True)
            .annotate(code_on=title_on(on, field="to_title__code"))
            .filter(code_on=TECHNICIAN_1)
            .count()
        )
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
            chief = chief_position(position.facility, on)
        # The chief is another position: this one, reclassified, would be judged as the chief.
        other_chief = chief if chief is not None and chief.pk != position.pk else None
        warranted = determination.title
        if code == ADMINISTRATOR_1 and other_chief is not None:
            # The assistant clause reads the facility's actual chief, not what it warrants.
            if other_chief.title.code == ADMINISTRATOR_3:
                checks.append(
                    SupervisionCheck(
                        True,
                        _(
                            "An Administrator 1 may serve as assistant to an Administrator 3 "
                            "in a facility whose chief is an Administrator 3: this "
                            "facility's chief, %(item)s, is an Administrator 3."
                        )
                        % {"item": other_chief.item_number},
                    )
                )
            else:
                checks.append(
                    SupervisionCheck(
                        False,
                        _(
                            "An Administrator 1 may serve as assistant to an Administrator 3 "
                            "only in a facility whose chief is an Administrator 3; this "
                            "facility's chief, %(item)s, is an %(title)s."
                        )
                        % {
                            "item": other_chief.item_number,
                            "title": other_chief.title.short_name,
                        },
                    )
                )
        elif warranted is None:
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
        else:
            checks.append(
                SupervisionCheck(
                    False,
                    _("The standard warrants %(title)s for this facility's chief position.")
                    % {"title": warranted.short_name},
                )
            )
        if other_chief is not None:
            checks.append(
                SupervisionCheck(
                    True,
                    _("The facility's chief HIM position is %(item)s (%(title)s).")
                    % {"item": other_chief.item_number, "title": other_chief.title.short_name},
                )
            )
    return checks


# Events whose message is DCC's internal advice: the analyst's rationale and a supervisor's
# reason for returning it (docs/decisions/0020-recommendation-visibility.md).
INTERNAL_MESSAGES = ("recommend", "return_to_analyst")


def recommendation_visible_to(user: User, r: ReclassificationRequest) -> bool:
    """Whether `user` may read the analyst's recommendation on `r` (what it advises, the title,
    the rationale, who made it). DCC staff always; the agency only once the request is decided
    (approved or denied): until then the recommendation is advice to the supervisor, who may
    follow it, decide otherwise or return it (docs/decisions/0020-recommendation-visibility.md).
    """
    from .workflow import DECIDED_STATUSES

    if permissions.is_dcc_staff(user):
        return True
    return permissions.is_agency_hr(user) and r.status in DECIDED_STATUSES


def outcome_title_seen_by(user: Any, r: ReclassificationRequest) -> Title:
    """The title `user` may read as the request's outcome: the recommended (then approved)
    title for DCC staff, and for everyone once decided; until then the agency and the employee
    read the title they proposed (the recommendation is DCC's until the decision)."""
    from .workflow import DECIDED_STATUSES

    if permissions.is_dcc_staff(user) or r.status in DECIDED_STATUSES:
        return r.outcome_title
    return r.proposed_title


def hidden_event_messages(user: User, r: ReclassificationRequest, events) -> set[int]:
    """The ids of `events` whose message `user` may not read (see recommendation_visible_to)."""
    if recommendation_visible_to(user, r):
        return set()
    return {e.pk for e in events if e.action in INTERNAL_MESSAGES}


def saved_filters_for(user: User) -> QuerySet:
    """The user's own saved queue filters (nobody sees another user's)."""
    from .models import SavedFilter

    if not (user and user.is_authenticated):
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(user=user).order_by("name")


# --- appeals (decision 0021-appeals) ---------------------------------------------------------


def appeals_visible_to(user: Any) -> QuerySet:
    """Appeals of the requests `user` may see (`reclassifications_visible_to`): another
    agency's, or another employee's, is a 404."""
    from .models import Appeal

    return Appeal.objects.select_related(
        "reclassification__position__facility__agency",
        "filed_by",
        "outcome_title",
    ).filter(reclassification__in=reclassifications_visible_to(user).values("pk"))


def appeal_queue(user: Any, *, open_only: bool = True) -> QuerySet:
    """DCC's Appeals tab: appeals not yet closed, oldest filing first (none for others)."""
    from .appeal_workflow import OPEN_STATUSES as APPEAL_OPEN

    if not permissions.is_dcc_staff(user):
        return appeals_visible_to(user).none()
    qs = appeals_visible_to(user).select_related(
        "reclassification__current_title", "reclassification__proposed_title"
    )
    if open_only:
        qs = qs.filter(status__in=APPEAL_OPEN)
    return qs.order_by("filed_at", "pk")
