"""Each role's dashboard numbers and the three charts, scoped like every selector."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    Q,
    QuerySet,
    Sum,
    Value,
)
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
# DCC staff's figures (dcc_counts), the last two what the work lists hold.
DCC_FIGURES = (
    "mine",
    "unassigned",
    "overdue",
    "my_overdue",
    "waiting",
    "my_waiting",
    "awaiting",
    "my_in_review",
    "awaiting_others",
)


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
        board.counts = dcc_counts(user, visible)
        if permissions.is_supervisor(user):
            board.workload = workload(today=today)
        board.work = dcc_work(user, visible, board.counts)
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
        rows = first_rows(
            visible,
            respond=(Q(status=INFO_REQUESTED), "paused_since"),
            comment=(Q(status=AGENCY_COMMENT), "comment_due_on"),
            drafts=(Q(status=DRAFT), "created_at"),
        )
        board.waiting_on_us = rows["respond"]
        board.awaiting_comment = rows["comment"]
        board.expiring_credentials = expiring_credentials(user, today=today)
        board.work = hr_work(rows, grouped)
    board.charts = list(chart_data(user, today=today).values())
    return board


def dcc_counts(user: User, visible: QuerySet) -> dict[str, int]:
    """DCC staff's figures, all of open requests (about 4% of them, the only rows read): one
    query grouped by status and by what tells the figures apart, summed here. Nine filtered
    counts in one query took longer to build than to run."""
    mine = my_work(user)  # their own and, today, those of analysts they cover for
    groups = (
        visible.filter(status__in=OPEN_STATUSES)
        .exclude(status=DRAFT)
        .annotate(
            is_mine=ExpressionWrapper(mine, output_field=BooleanField()),
            is_own=ExpressionWrapper(Q(assigned_to=user), output_field=BooleanField()),
            by_me=ExpressionWrapper(Q(recommended_by=user), output_field=BooleanField()),
        )
        .values("status", "is_mine", "is_own", "by_me", "is_overdue")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(DCC_FIGURES, 0)
    for g in groups:
        status, n, is_mine = g["status"], g["n"], bool(g["is_mine"])
        counts["mine"] += n * is_mine
        counts["unassigned"] += n * (status == SUBMITTED)
        counts["overdue"] += n * g["is_overdue"]
        counts["my_overdue"] += n * (is_mine and g["is_overdue"])
        counts["waiting"] += n * (status == INFO_REQUESTED)
        counts["my_waiting"] += n * (is_mine and status == INFO_REQUESTED)
        counts["awaiting"] += n * (status == RECOMMENDED)
        # What the dashboard's work lists hold (a supervisor never decides their own).
        counts["my_in_review"] += n * (bool(g["is_own"]) and status == IN_REVIEW)
        counts["awaiting_others"] += n * (status == RECOMMENDED and not g["by_me"])
    return counts


def first_rows(
    visible: QuerySet[ReclassificationRequest], **lists: tuple[Q, str]
) -> dict[str, list[ReclassificationRequest]]:
    """The first WORK_SHOWN requests of `visible` (with_turnaround's) in each list (name=(rule, order)), by its
    order and then pk, with what the lists show; two queries however many lists. The ids are
    chosen in one UNION ALL whose parts read the request table alone (the covering index on
    status); then only those rows are joined, once. A query per list cost the planner 2 ms each
    for the joins, and joined first and sorted after, a list cost tens of milliseconds at 1,000
    submitted requests. The second query asks each row again whether it is still visible and
    still in its list: a request taken, assigned or deleted between the two is not shown."""
    firsts = [
        visible.filter(rule)
        .order_by(order, "pk")
        .annotate(list_name=Value(name, output_field=CharField()))
        .values_list("list_name", "pk")[:WORK_SHOWN]
        for name, (rule, order) in lists.items()
    ]
    chosen = list(firsts[0].union(*firsts[1:], all=True).order_by())
    still = {
        f"in_list_{name}": ExpressionWrapper(rule, BooleanField())
        for name, (rule, _o) in lists.items()
    }
    shown = (
        visible.filter(pk__in=[pk for _, pk in chosen])
        # What the lists show, not the visible queryset's joins: each join costs planning.
        .select_related(None)
        .select_related("position__facility__agency", "current_title", "proposed_title")
        .annotate(**still)
    )
    by_pk = {r.pk: r for r in shown}
    rows: dict[str, list[ReclassificationRequest]] = {name: [] for name in lists}
    for name, pk in chosen:
        if pk in by_pk and getattr(by_pk[pk], f"in_list_{name}"):
            rows[name].append(by_pk[pk])
    return {name: in_order(rows[name], lists[name][1]) for name in lists}


def in_order(rows: list[ReclassificationRequest], order: str) -> list[ReclassificationRequest]:
    """`rows` sorted as PostgreSQL sorts by `order` ("field" or "-field") and then pk: NULLs
    last going up, first going down. A UNION ALL promises no order of its own."""
    field_name = order.removeprefix("-")

    def key(r: ReclassificationRequest) -> tuple[bool, Any]:
        value = getattr(r, field_name)
        return (value is None, 0 if value is None else value)

    by_number = sorted(rows, key=lambda r: r.pk)
    return sorted(by_number, key=key, reverse=order.startswith("-"))  # stable: pk stays up


def dcc_work(user: User, visible: QuerySet, counts: dict[str, int]) -> list[WorkList]:
    """DCC staff's work: decisions waiting (supervisors), their own open requests, then the
    unassigned queue to take from. Their rows in two queries (first_rows)."""
    queue = reverse("classification:reclassification_list")
    supervisor = permissions.is_supervisor(user)
    lists: dict[str, tuple[Q, str]] = {}
    if supervisor:
        # The two-person rule: a supervisor's own recommendations wait on someone else.
        lists["awaiting"] = (Q(status=RECOMMENDED) & ~Q(recommended_by=user), "-open_for")
    lists["mine"] = (Q(assigned_to=user, status=IN_REVIEW), "-open_for")
    lists["unassigned"] = (Q(status=SUBMITTED), "-open_for")
    rows = first_rows(visible, **lists)
    work = []
    if supervisor:
        work.append(
            WorkList(
                key="awaiting",
                heading=_("Recommendations waiting for your decision"),
                action="",
                action_label=_("Decide"),
                rows=rows["awaiting"],
                total=counts["awaiting_others"],
                more_url=f"{queue}?tab=awaiting",
                empty=_("No recommendation waits for a decision."),
            )
        )
    work.append(
        WorkList(
            key="mine",
            heading=_("Your requests in review"),
            action="",
            action_label=_("Review"),
            rows=rows["mine"],
            total=counts["my_in_review"],
            more_url=f"{queue}?tab=mine",
            empty=_("No request of yours is in review."),
        )
    )
    work.append(
        WorkList(
            key="unassigned",
            heading=_("Unassigned requests, longest waiting first"),
            action="assign" if supervisor else "take",
            action_label=_("Assign") if supervisor else _("Take"),
            rows=rows["unassigned"],
            total=counts["unassigned"],
            more_url=f"{queue}?tab=unassigned",
            empty=_("Nothing is waiting to be taken."),
        )
    )
    return work


def hr_work(rows: dict[str, list[ReclassificationRequest]], grouped: dict) -> list[WorkList]:
    """Agency HR's work: DCC's questions to answer, then drafts to finish and submit."""
    queue = reverse("classification:reclassification_list")
    return [
        WorkList(
            key="respond",
            heading=_("DCC asked for information"),
            action="respond",
            action_label=_("Respond"),
            rows=rows["respond"],
            total=grouped.get(INFO_REQUESTED, 0),
            more_url=f"{queue}?status={INFO_REQUESTED}",
            empty=_("DCC is waiting on no answer from you."),
        ),
        WorkList(
            key="drafts",
            heading=_("Drafts to finish and submit"),
            action="",
            action_label=_("Finish"),
            rows=rows["drafts"],
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
