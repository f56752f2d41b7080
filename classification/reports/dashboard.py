"""Each role's dashboard numbers and the three charts, scoped like every selector."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import Credential
from candidates.selectors import EXPIRING_WITHIN_DAYS
from classification.models import ReclassificationRequest
from classification.reports.dashboard_charts import chart_data
from classification.selectors import (
    my_work,
    positions_visible_to,
    reclassifications_visible_to,
    tallies_visible_to,
    with_turnaround,
)
from classification.workflow import (
    AGENCY_COMMENT,
    DRAFT,
    IN_REVIEW,
    INFO_REQUESTED,
    OPEN_STATUSES,
    RECOMMENDED,
    STATUS_LABELS,
    SUBMITTED,
)
from facilities import permissions
from facilities.models import User


@dataclass
class Dashboard:
    counts: dict[str, int] = field(default_factory=dict)
    workload: list[dict[str, Any]] = field(default_factory=list)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    waiting_on_us: list[ReclassificationRequest] = field(default_factory=list)
    expiring_credentials: int | None = None
    charts: list[Any] = field(default_factory=list)
    # Agency HR: employees' requests waiting for the agency's comment, soonest due first.
    awaiting_comment: list[ReclassificationRequest] = field(default_factory=list)
    # An employee: their own positions and requests (form CC-2E).
    own_positions: list[Any] = field(default_factory=list)
    own_requests: list[ReclassificationRequest] = field(default_factory=list)
    # What waits on this person, first on the page: one WorkList per kind of work.
    work: list[WorkList] = field(default_factory=list)


@dataclass
class WorkList:
    """Requests waiting on the signed-in user for one action, oldest first (WORK_SHOWN)."""

    key: str
    heading: str
    action: str  # a workflow action whose confirmation page the button opens, or "" (open it)
    action_label: str
    rows: list[ReclassificationRequest]
    total: int
    more_url: str
    empty: str


WORK_SHOWN = 10


def dashboard_for(user: User, *, today: date | None = None) -> Dashboard:
    """The numbers on `user`'s dashboard, by role; a constant number of queries."""
    today = today or timezone.localdate()
    board = Dashboard()
    if permissions.is_employee(user):
        board.own_positions = list(positions_visible_to(user).order_by("item_number"))
        board.own_requests = list(
            reclassifications_visible_to(user).order_by("-created_at", "-pk")[:20]
        )
        return board
    if not (permissions.is_dcc_staff(user) or permissions.is_agency_hr(user)):
        return board
    visible = with_turnaround(reclassifications_visible_to(user).order_by(), today=today)
    if permissions.is_dcc_staff(user):
        mine = my_work(user)  # their own and, today, those of analysts they cover for
        # Every figure is of open requests: only those rows are read (about 4% of them).
        board.counts = (
            visible.filter(status__in=OPEN_STATUSES)
            .exclude(status=DRAFT)
            .aggregate(
                mine=Count("pk", filter=mine & Q(status__in=OPEN_STATUSES)),
                unassigned=Count("pk", filter=Q(status=SUBMITTED)),
                overdue=Count("pk", filter=Q(is_overdue=True)),
                my_overdue=Count("pk", filter=mine & Q(is_overdue=True)),
                waiting=Count("pk", filter=Q(status=INFO_REQUESTED)),
                my_waiting=Count("pk", filter=mine & Q(status=INFO_REQUESTED)),
                awaiting=Count("pk", filter=Q(status=RECOMMENDED)),
                # What the dashboard's work lists hold (a supervisor never decides their own).
                my_in_review=Count("pk", filter=Q(assigned_to=user, status=IN_REVIEW)),
                awaiting_others=Count("pk", filter=Q(status=RECOMMENDED) & ~Q(recommended_by=user)),
            )
        )
        if permissions.is_supervisor(user):
            board.workload = workload(today=today)
        board.work = dcc_work(user, visible, board.counts, today)
    else:
        # Filed requests from the tally (decision 0024), the agency's own drafts counted.
        filed = tallies_visible_to(user).values("status").annotate(n=Sum("requests"))
        drafts = visible.filter(status=DRAFT).values("status").annotate(n=Count("pk"))
        grouped = {r["status"]: r["n"] for r in filed.union(drafts, all=True).order_by()}
        board.by_status = [
            (status, str(label), grouped.get(status, 0)) for status, label in STATUS_LABELS.items()
        ]
        board.counts = {
            "open": sum(grouped.get(s, 0) for s in OPEN_STATUSES),
            "waiting_on_us": grouped.get(INFO_REQUESTED, 0),
        }
        board.waiting_on_us = _rows(today, visible.filter(status=INFO_REQUESTED), "paused_since")
        board.awaiting_comment = _rows(
            today, visible.filter(status=AGENCY_COMMENT), "comment_due_on"
        )
        board.expiring_credentials = expiring_credentials(user, today=today)
        board.work = hr_work(user, visible, board.waiting_on_us, grouped, today)
    board.charts = list(chart_data(user, today=today).values())
    return board


def _rows(today: date, qs: QuerySet, *order: str) -> list[ReclassificationRequest]:
    """The first WORK_SHOWN of `qs` by `order`, then pk, with what the list shows. The rows
    are chosen in a subquery that reads the request table alone (the covering index on
    status), and only those rows are joined: filtered and joined first, then sorted, the
    list cost tens of milliseconds at 1,000 submitted requests."""
    first = qs.order_by(*order, "pk").values("pk")[:WORK_SHOWN]
    shown = ReclassificationRequest.objects.filter(pk__in=first).select_related(
        "position__facility__agency", "current_title", "proposed_title", "recommended_title"
    )
    return list(with_turnaround(shown, today=today).order_by(*order, "pk"))


def dcc_work(user: User, visible: QuerySet, counts: dict[str, int], today: date) -> list[WorkList]:
    """DCC staff's work: decisions waiting (supervisors), their own open requests, then the
    unassigned queue to take from. One query per list."""
    queue = reverse("classification:reclassification_list")
    work = []
    if permissions.is_supervisor(user):
        # The two-person rule: a supervisor's own recommendations wait on someone else.
        awaiting = visible.filter(status=RECOMMENDED).exclude(recommended_by=user)
        work.append(
            WorkList(
                key="awaiting",
                heading=_("Recommendations waiting for your decision"),
                action="",
                action_label=_("Decide"),
                rows=_rows(today, awaiting, "-open_for"),
                total=counts["awaiting_others"],
                more_url=f"{queue}?tab=awaiting",
                empty=_("No recommendation waits for a decision."),
            )
        )
    mine = visible.filter(assigned_to=user, status=IN_REVIEW)
    work.append(
        WorkList(
            key="mine",
            heading=_("Your requests in review"),
            action="",
            action_label=_("Review"),
            rows=_rows(today, mine, "-open_for"),
            total=counts["my_in_review"],
            more_url=f"{queue}?tab=mine",
            empty=_("No request of yours is in review."),
        )
    )
    work.append(
        WorkList(
            key="unassigned",
            heading=_("Unassigned requests, longest waiting first"),
            action="assign" if permissions.is_supervisor(user) else "take",
            action_label=_("Assign") if permissions.is_supervisor(user) else _("Take"),
            rows=_rows(today, visible.filter(status=SUBMITTED), "-open_for"),
            total=counts["unassigned"],
            more_url=f"{queue}?tab=unassigned",
            empty=_("Nothing is waiting to be taken."),
        )
    )
    return work


def hr_work(
    user: User,
    visible: QuerySet,
    waiting: list[ReclassificationRequest],
    grouped: dict,
    today: date,
) -> list[WorkList]:
    """Agency HR's work: DCC's questions to answer, then drafts to finish and submit."""
    queue = reverse("classification:reclassification_list")
    return [
        WorkList(
            key="respond",
            heading=_("DCC asked for information"),
            action="respond",
            action_label=_("Respond"),
            rows=waiting,
            total=grouped.get(INFO_REQUESTED, 0),
            more_url=f"{queue}?status={INFO_REQUESTED}",
            empty=_("DCC is waiting on no answer from you."),
        ),
        WorkList(
            key="drafts",
            heading=_("Drafts to finish and submit"),
            action="",
            action_label=_("Finish"),
            rows=_rows(today, visible.filter(status=DRAFT), "created_at"),
            total=grouped.get(DRAFT, 0),
            more_url=f"{queue}?status={DRAFT}",
            empty=_("No draft is waiting."),
        ),
    ]


def workload(*, today: date) -> list[dict[str, Any]]:
    """Open requests per assigned analyst (active or not), with overdue ones (one query)."""
    rows = (
        with_turnaround(
            ReclassificationRequest.objects.filter(
                assigned_to__isnull=False, status__in=(IN_REVIEW, INFO_REQUESTED, RECOMMENDED)
            ).order_by(),
            today=today,
        )
        .values(
            "assigned_to",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "assigned_to__is_active",
        )
        .annotate(
            in_review=Count("pk", filter=Q(status=IN_REVIEW)),
            info_requested=Count("pk", filter=Q(status=INFO_REQUESTED)),
            recommended=Count("pk", filter=Q(status=RECOMMENDED)),
            overdue=Count("pk", filter=Q(is_overdue=True)),
            total=Count("pk"),
        )
        .order_by("-total", "assigned_to__username")
    )
    return [
        {
            "id": r["assigned_to"],
            "name": f"{r['assigned_to__first_name']} {r['assigned_to__last_name']}".strip()
            or r["assigned_to__username"],
            "active": r["assigned_to__is_active"],
            **{k: r[k] for k in ("in_review", "info_requested", "recommended", "overdue", "total")},
        }
        for r in rows
    ]


def expiring_credentials(user: User, *, today: date) -> int:
    """How many credentials of the user's agency's people expire within 60 days (HR)."""
    if not permissions.is_agency_hr(user) or user.agency_id is None:
        return 0
    return Credential.objects.filter(
        person__agency_id=user.agency_id,
        valid_through__gte=today,
        valid_through__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS),
    ).count()


def assigned_to_inactive(user: User) -> QuerySet[ReclassificationRequest]:
    """Open requests whose assigned analyst can no longer sign in (DCC staff only)."""
    if not permissions.is_dcc_staff(user):
        return ReclassificationRequest.objects.none()
    return with_turnaround(
        reclassifications_visible_to(user).filter(
            assigned_to__is_active=False, status__in=OPEN_STATUSES
        )
    ).order_by("assigned_to__username", "pk")
