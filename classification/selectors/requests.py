"""Permission-aware reads of requests: what a user may see of them, their events and files."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import (
    Case,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

if TYPE_CHECKING:  # django-stubs-ext is a development package
    from django_stubs_ext import WithAnnotations
from facilities import permissions
from facilities.models import AnnualActivity, User

from ..models import ReclassificationEvent, ReclassificationRequest, RequestTally, Title
from ..workflow import DECIDED_STATUSES, DRAFT, OPEN_STATUSES
from .positions import RequestPageFacts, chiefs_on


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


def filed_requests_visible_to(user: User) -> QuerySet[ReclassificationRequest]:
    """The requests of `reclassifications_visible_to(user)` that are not drafts, for counting:
    no joins, and a condition an index holds (Agency HR's rule about employees' drafts has
    nothing to exclude once drafts are, so the employee column is not read)."""
    qs = ReclassificationRequest.objects.order_by().exclude(status=DRAFT)
    if permissions.is_dcc_staff(user):
        return qs
    if permissions.is_agency_hr(user) and user.agency_id is not None:
        return qs.filter(agency_id=user.agency_id)
    if permissions.is_employee(user):
        return qs.filter(employee=user)
    return qs.none()


def tallies_visible_to(user: User) -> QuerySet[RequestTally]:
    """The request tally (decision 0024) over the filed requests `user` sees by agency: all
    for DCC staff, its agency's for Agency HR, none for anyone else (an employee's own
    requests are not counted by agency)."""
    qs = RequestTally.objects.order_by().exclude(status=DRAFT)
    if permissions.is_dcc_staff(user):
        return qs
    if permissions.is_agency_hr(user) and user.agency_id is not None:
        return qs.filter(agency_id=user.agency_id)
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


def event_message_visible(
    user: User, reclassification: ReclassificationRequest, event: ReclassificationEvent
) -> bool:
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


def with_request_page_facts(
    qs: QuerySet[ReclassificationRequest], on: date | None = None
) -> QuerySet[WithAnnotations[ReclassificationRequest, RequestPageFacts]]:
    """Annotate what a request's page needs about its facility, in the request's own query:
    the latest accepted counts (`latest_counts`) and the chief HIM position on `on` (today by
    default) by the title in effect then (`chief_facts`), each one subquery giving a JSON
    object (one subquery per value took longer to build and to plan). Read them back with
    `latest_counts_of` and `chief_of`."""
    facility = OuterRef("position__facility")
    accepted = AnnualActivity.objects.filter(
        facility=facility, status=AnnualActivity.Status.ACCEPTED
    ).order_by("-fiscal_year")
    chief = chiefs_on(on or timezone.localdate(), facility=facility)
    return qs.annotate(
        latest_counts=Subquery(
            accepted.values(
                facts=JSONObject(
                    fiscal_year="fiscal_year",
                    individuals_served="individuals_served",
                    records_activities="records_activities",
                )
            )[:1]
        ),
        chief_facts=Subquery(
            chief.values(
                facts=JSONObject(pk="pk", item_number="item_number", title_code="title_code_on")
            )[:1]
        ),
    )


# Events whose message is DCC's internal advice: the analyst's rationale and a supervisor's
# reason for returning it (docs/decisions/0020-recommendation-visibility.md).
INTERNAL_MESSAGES = ("recommend", "return_to_analyst")


def recommendation_visible_to(user: User, r: ReclassificationRequest) -> bool:
    """Whether `user` may read the analyst's recommendation on `r` (what it advises, the title,
    the rationale, who made it). DCC staff always; the agency only once the request is decided
    (approved or denied): until then the recommendation is advice to the supervisor, who may
    follow it, decide otherwise or return it (docs/decisions/0020-recommendation-visibility.md).
    """
    if permissions.is_dcc_staff(user):
        return True
    return permissions.is_agency_hr(user) and r.status in DECIDED_STATUSES


def outcome_title_seen_by(user: User, r: ReclassificationRequest) -> Title:
    """The title `user` may read as the request's outcome: the recommended (then approved)
    title for DCC staff, and for everyone once decided; until then the agency and the employee
    read the title they proposed (the recommendation is DCC's until the decision)."""
    if permissions.is_dcc_staff(user) or r.status in DECIDED_STATUSES:
        return r.outcome_title
    return r.proposed_title


def hidden_event_messages(
    user: User, r: ReclassificationRequest, events: Iterable[ReclassificationEvent]
) -> set[int]:
    """The ids of `events` whose message `user` may not read (see recommendation_visible_to)."""
    if recommendation_visible_to(user, r):
        return set()
    return {e.pk for e in events if e.action in INTERNAL_MESSAGES}
