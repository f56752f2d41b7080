"""Reads behind the dashboard and the reports: scoped like every selector, aggregated in SQL.

Each function starts from a scoping selector (`facilities_visible_to`,
`reclassifications_visible_to`), so Agency HR never sees another agency's rows, counts or
totals. Every function runs a fixed number of queries whatever the number of rows: counts are
`aggregate()`s with filtered `Count`s, groups are `values().annotate()`, per-facility facts
are subqueries. Percentiles: PostgreSQL's `percentile_cont` in SQL; SQLite (tests and local
development only) has none, so there the values of each group are fetched (bounded by
`SQLITE_PERCENTILE_LIMIT`) and interpolated the same way in Python (docs/decisions/0007).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classification.allocation import (
    ACTIVITIES,
    INDIVIDUALS_HIGH,
    INDIVIDUALS_LOW,
    ThresholdDistance,
    threshold_distances,
)
from facilities import permissions
from facilities.models import AnnualActivity, Facility, current_fiscal_year
from facilities.selectors import drift_direction, facilities_visible_to

from .models import Position, ReclassificationEvent, ReclassificationRequest, Title
from .selectors import ADMINISTRATOR_CODES, reclassifications_visible_to, with_turnaround
from .workflow import (
    CLOSED_STATUSES,
    DECIDED_STATUSES,
    DRAFT,
    IN_REVIEW,
    INFO_REQUESTED,
    OPEN_STATUSES,
    RECOMMENDED,
    STATUS_LABELS,
    SUBMITTED,
)

NEAR_THRESHOLD = 0.05  # "within 5% of a threshold", relative to the threshold
SQLITE_PERCENTILE_LIMIT = 200_000
DAY_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 10),
    (11, 20),
    (21, 30),
    (31, 45),
    (46, 60),
    (61, 90),
    (91, None),
)
MONTHS_SHOWN = 12


# --- SQL pieces --------------------------------------------------------------------------------


class DecisionDays(Func):
    """Calendar days from submission to closing minus the days paused (an integer, in SQL)."""

    output_field = IntegerField()

    def __init__(self) -> None:
        super().__init__(F("closed_on"), F("submitted_on"), F("paused_total"))

    def _parts(self, compiler: Any, connection: Any) -> tuple[list[str], list[Any]]:
        sqls, params = [], []
        for expression in self.get_source_expressions():
            sql, p = compiler.compile(expression)
            sqls.append(sql)
            params.extend(p)
        return sqls, params

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        (end, start, paused), params = self._parts(compiler, connection)
        # SQLite keeps a duration as whole microseconds.
        return (
            f"(CAST(julianday({end}) - julianday({start}) AS INTEGER)"
            f" - CAST({paused} / 86400000000 AS INTEGER))",
            params,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        (end, start, paused), params = self._parts(compiler, connection)
        return (
            f"(({end} - {start}) - CAST(EXTRACT(EPOCH FROM {paused}) / 86400 AS INTEGER))",
            params,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: the `fraction` percentile, interpolated."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """percentile_cont's linear interpolation over already sorted values (None when empty)."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- drift --------------------------------------------------------------------------------------


def with_chief(qs: QuerySet[Facility]) -> QuerySet[Facility]:
    """Annotate each facility with its chief HIM position (id, title code, rank) and the rank
    of its warranted title, as subqueries (the same rule as `selectors.chief_position`)."""
    chief = Position.objects.filter(
        facility=OuterRef("pk"), active=True, title__code__in=ADMINISTRATOR_CODES
    ).order_by("-title__rank", "item_number")
    return qs.annotate(
        chief_id=Subquery(chief.values("pk")[:1]),
        chief_item=Subquery(chief.values("item_number")[:1]),
        chief_title_code=Subquery(chief.values("title__code")[:1]),
        chief_rank=Subquery(chief.values("title__rank")[:1]),
        warranted_rank=Subquery(
            Title.objects.filter(code=OuterRef("warranted_title_code")).values("rank")[:1]
        ),
    ).annotate(
        drift=Case(
            When(warranted_rank__gt=F("chief_rank"), then=Value("up")),
            When(warranted_rank__lt=F("chief_rank"), then=Value("down")),
            default=Value(""),
            output_field=CharField(),
        )
    )


def last_completed_fiscal_year(today: date | None = None) -> int:
    """The state fiscal year that ended most recently (SFY 2025-26 during SFY 2026-27)."""
    return current_fiscal_year(today) - 1


def _near(measure: str, threshold: int) -> Q:
    margin = int(threshold * NEAR_THRESHOLD)
    return Q(**{f"{measure}__range": (threshold - margin, threshold + margin)})


@dataclass(frozen=True)
class DriftRow:
    facility: Facility
    drift: str | None  # "up", "down" or None
    on_watch: bool
    near: tuple[ThresholdDistance, ...]
    missing_year: bool
    can_request: bool

    @property
    def warranted_title(self) -> str:
        return _title_name(self.facility.warranted_title_code)

    @property
    def chief_title(self) -> str:
        return _title_name(self.facility.chief_title_code)


def _title_name(code: str | None) -> str:
    from classification.standard import title_for

    return title_for(code).short_name if code else ""


ISSUES = {
    "drift": gettext_lazy("Chief's title differs from the warranted title"),
    "watch": gettext_lazy("On watch"),
    "near": gettext_lazy("Within 5% of a threshold"),
    "missing": gettext_lazy("No counts for the last fiscal year"),
}


def drift_report(user: Any, *, today: date | None = None, issue: str = "") -> list[DriftRow]:
    """Active facilities the user may see that need a look: chief's title differs from the
    warranted one (up or down), on watch, a DDSOO within 5% of a threshold (latest accepted
    counts), or no counts for the last completed fiscal year. One query; `issue` narrows it."""
    year = last_completed_fiscal_year(today)
    accepted = AnnualActivity.objects.filter(
        facility=OuterRef("pk"),
        fiscal_year=OuterRef("determination_year"),
        status=AnnualActivity.Status.ACCEPTED,
    )
    # Only what the report shows: no latest-year join, no address.
    visible = (
        facilities_visible_to(user)
        .filter(active=True)
        .select_related(None)
        .select_related("agency")
        .only(
            "name",
            "code",
            "facility_type",
            "agency__code",
            "warranted_title_code",
            "determination_year",
            "trend_state",
        )
    )
    qs = with_chief(visible).annotate(
        accepted_individuals=Subquery(accepted.values("individuals_served")[:1]),
        accepted_activities=Subquery(accepted.values("records_activities")[:1]),
        has_year=Exists(AnnualActivity.objects.filter(facility=OuterRef("pk"), fiscal_year=year)),
    )
    near_sql = Q(facility_type="ddsoo") & (
        _near("accepted_individuals", INDIVIDUALS_LOW)
        | _near("accepted_individuals", INDIVIDUALS_HIGH)
        | _near("accepted_activities", ACTIVITIES)
    )
    qs = qs.annotate(
        near_sql=Case(When(near_sql, then=Value(True)), default=False, output_field=BooleanField())
    )
    conditions = {
        "drift": ~Q(drift=""),
        "watch": Q(trend_state="watch"),
        "near": Q(near_sql=True),
        "missing": Q(has_year=False),
    }
    if issue in conditions:
        qs = qs.filter(conditions[issue])
    else:
        any_issue = Q()
        for condition in conditions.values():
            any_issue |= condition
        qs = qs.filter(any_issue)
    hr_agency = user.agency_id if permissions.is_agency_hr(user) else None
    rows = []
    for f in qs.order_by("agency__code", "name"):
        near: tuple[ThresholdDistance, ...] = ()
        if f.near_sql:
            near = tuple(
                d
                for d in threshold_distances(f.accepted_individuals, f.accepted_activities)
                if d.distance <= d.crossed_value * NEAR_THRESHOLD
            )
        drift = drift_direction(f.warranted_title_code or None, f.chief_title_code)
        row = DriftRow(
            facility=f,
            drift=drift,
            on_watch=f.trend_state == "watch",
            near=near,
            missing_year=not f.has_year,
            can_request=bool(drift and f.chief_id and hr_agency == f.agency_id),
        )
        # The SQL band is a superset: keep a row it alone chose only if a threshold is near.
        if row.drift or row.on_watch or row.near or row.missing_year:
            rows.append(row)
    return rows


# --- dashboard ---------------------------------------------------------------------------------


@dataclass
class Dashboard:
    counts: dict[str, int] = field(default_factory=dict)
    workload: list[dict[str, Any]] = field(default_factory=list)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    waiting_on_us: list[ReclassificationRequest] = field(default_factory=list)
    expiring_credentials: int | None = None
    charts: list[Any] = field(default_factory=list)


def _month_starts(today: date, n: int = MONTHS_SHOWN) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _i in range(n):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def decided(qs: QuerySet[ReclassificationRequest]) -> QuerySet[ReclassificationRequest]:
    """Decided requests with `days` to decision (submission to decision, pauses excluded)."""
    return qs.filter(
        status__in=DECIDED_STATUSES, submitted_on__isnull=False, closed_on__isnull=False
    ).annotate(days=DecisionDays())


def _bucket_label(low: int, high: int | None) -> str:
    return f"{low}–{high}" if high is not None else f"{low}+"


def chart_data(user: Any, *, today: date) -> dict[str, Any]:
    """The three charts' numbers for `user` (three queries, scoped like everything else)."""
    from .charts import bar_chart

    visible = reclassifications_visible_to(user).exclude(status=DRAFT).order_by()
    # 1. requests by status and agency
    statuses = [s for s in STATUS_LABELS if s != DRAFT]
    grid: dict[str, dict[str, int]] = defaultdict(dict)
    for row in visible.values("position__facility__agency__code", "status").annotate(n=Count("pk")):
        grid[row["position__facility__agency__code"]][row["status"]] = row["n"]
    agencies = sorted(grid)
    by_agency = bar_chart(
        slug="by-status",
        title=_("Requests by status and agency"),
        description=_("Submitted requests of each agency, split by their current status."),
        series=[str(STATUS_LABELS[s]) for s in statuses],
        rows=[(code, [grid[code].get(s, 0) for s in statuses]) for code in agencies],
    )
    # 2. distribution of days to decision
    buckets = {}
    for i, (low, high) in enumerate(DAY_BUCKETS):
        condition = Q(days__gte=low) if high is None else Q(days__gte=low, days__lte=high)
        buckets[f"b{i}"] = Count("pk", filter=condition)
    counts = decided(visible).aggregate(**buckets)
    days = bar_chart(
        slug="days",
        title=_("Days to decision"),
        description=_(
            "How many decided requests took each number of days from submission to decision, "
            "not counting days waiting on the agency."
        ),
        series=[str(_("Decided requests"))],
        rows=[
            (_bucket_label(low, high), [counts[f"b{i}"]])
            for i, (low, high) in enumerate(DAY_BUCKETS)
        ],
    )
    # 3. submissions against decisions by month (New York dates)
    months = _month_starts(today)
    per_month = {}
    for i, start in enumerate(months):
        end = _next_month(start)
        per_month[f"s{i}"] = Count("pk", filter=Q(submitted_on__gte=start, submitted_on__lt=end))
        per_month[f"d{i}"] = Count(
            "pk",
            filter=Q(status__in=DECIDED_STATUSES, closed_on__gte=start, closed_on__lt=end),
        )
    monthly = visible.aggregate(**per_month)
    by_month = bar_chart(
        slug="by-month",
        title=_("Submissions and decisions by month"),
        description=_("Requests submitted and requests decided in each of the last 12 months."),
        series=[str(_("Submitted")), str(_("Decided"))],
        rows=[
            (date_format(start, "M Y"), [monthly[f"s{i}"], monthly[f"d{i}"]])
            for i, start in enumerate(months)
        ],
        stacked=False,
    )
    return {"by_status": by_agency, "days": days, "by_month": by_month}


def dashboard_for(user: Any, *, today: date | None = None) -> Dashboard:
    """The numbers on `user`'s dashboard, by role; a constant number of queries."""
    today = today or timezone.localdate()
    board = Dashboard()
    if not (permissions.is_dcc_staff(user) or permissions.is_agency_hr(user)):
        return board
    visible = with_turnaround(reclassifications_visible_to(user).order_by(), today=today)
    if permissions.is_dcc_staff(user):
        board.counts = visible.exclude(status=DRAFT).aggregate(
            mine=Count("pk", filter=Q(assigned_to=user, status__in=OPEN_STATUSES)),
            unassigned=Count("pk", filter=Q(status=SUBMITTED)),
            overdue=Count("pk", filter=Q(is_overdue=True)),
            my_overdue=Count("pk", filter=Q(is_overdue=True, assigned_to=user)),
            waiting=Count("pk", filter=Q(status=INFO_REQUESTED)),
            my_waiting=Count("pk", filter=Q(status=INFO_REQUESTED, assigned_to=user)),
            awaiting=Count("pk", filter=Q(status=RECOMMENDED)),
        )
        if permissions.is_supervisor(user):
            board.workload = workload(today=today)
    else:
        grouped = dict(
            visible.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        board.by_status = [
            (status, str(label), grouped.get(status, 0)) for status, label in STATUS_LABELS.items()
        ]
        board.counts = {
            "open": sum(grouped.get(s, 0) for s in OPEN_STATUSES),
            "waiting_on_us": grouped.get(INFO_REQUESTED, 0),
        }
        board.waiting_on_us = list(
            visible.filter(status=INFO_REQUESTED).order_by("paused_since", "pk")[:10]
        )
        board.expiring_credentials = expiring_credentials(user, today=today)
    board.charts = list(chart_data(user, today=today).values())
    return board


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


def expiring_credentials(user: Any, *, today: date) -> int:
    """How many credentials of the user's agency's people expire within 60 days (HR)."""
    from candidates.models import Credential
    from candidates.selectors import EXPIRING_WITHIN_DAYS

    if not permissions.is_agency_hr(user):
        return 0
    return Credential.objects.filter(
        person__agency_id=user.agency_id,
        valid_through__gte=today,
        valid_through__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS),
    ).count()


# --- turnaround ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnaroundRow:
    key: str
    label: str
    decided: int
    median: float | None
    p90: float | None


GROUPINGS = {
    "agency": (
        "position__facility__agency__code",
        gettext_lazy("By agency"),
        gettext_lazy("Agency"),
    ),
    "title": (
        "proposed_title__name",
        gettext_lazy("By proposed title"),
        gettext_lazy("Proposed title"),
    ),
    "quarter": ("quarter", gettext_lazy("By quarter of decision"), gettext_lazy("Quarter")),
}


def _decided_for(user: Any, agency: str = "") -> QuerySet[ReclassificationRequest]:
    qs = decided(reclassifications_visible_to(user).order_by()).annotate(
        quarter_year=ExtractYear("closed_on"), quarter_n=ExtractQuarter("closed_on")
    )
    if agency:
        qs = qs.filter(position__facility__agency__code=agency)
    return qs


def turnaround_by(user: Any, grouping: str, *, agency: str = "") -> list[TurnaroundRow]:
    """Median and 90th-percentile days to decision per agency, proposed title or calendar
    quarter of the decision (one query)."""
    qs = _decided_for(user, agency)
    key_fields = (
        ("quarter_year", "quarter_n") if grouping == "quarter" else (GROUPINGS[grouping][0],)
    )

    def label(values: tuple) -> str:
        if grouping == "quarter":
            return f"{values[0]} Q{values[1]}"
        return str(values[0]).removeprefix("Health Information Management ")

    if _is_postgres():
        rows = (
            qs.values(*key_fields)
            .annotate(
                n=Count("pk"),
                median=PercentileCont("days", 0.5),
                p90=PercentileCont("days", 0.9),
            )
            .order_by(*key_fields)
        )
        return [
            TurnaroundRow(
                key=label(tuple(r[k] for k in key_fields)),
                label=label(tuple(r[k] for k in key_fields)),
                decided=r["n"],
                median=r["median"],
                p90=r["p90"],
            )
            for r in rows
        ]
    # SQLite: no percentile_cont. Fetch (group, days) sorted in SQL, bounded, and interpolate.
    groups: dict[tuple, list[float]] = defaultdict(list)
    for *key, days in qs.order_by(*key_fields, "days").values_list(*key_fields, "days")[
        :SQLITE_PERCENTILE_LIMIT
    ]:
        groups[tuple(key)].append(days)
    return [
        TurnaroundRow(
            key=label(key),
            label=label(key),
            decided=len(values),
            median=percentile(values, 0.5),
            p90=percentile(values, 0.9),
        )
        for key, values in groups.items()
    ]


@dataclass(frozen=True)
class StatusTime:
    status: str
    label: str
    spells: int
    mean_days: float
    total_days: float


def time_in_status(user: Any, *, agency: str = "", now: Any = None) -> list[StatusTime]:
    """How long requests stay in each status: each event starts a spell that ends at the
    request's next event (LEAD over its events) or now if it is still there. Closed states
    are not spells. One query, aggregated in the database. DCC staff only."""
    if not permissions.is_dcc_staff(user):
        return []
    now = now or timezone.now()
    events = ReclassificationEvent._meta.db_table
    requests = ReclassificationRequest._meta.db_table
    positions = Position._meta.db_table
    facilities = Facility._meta.db_table
    agencies = Facility._meta.get_field("agency").related_model._meta.db_table
    if _is_postgres():
        seconds = "EXTRACT(EPOCH FROM (COALESCE(LEAD(e.at) OVER w, %s) - e.at))"
        now_param: Any = now
    else:
        seconds = "(julianday(COALESCE(LEAD(e.at) OVER w, %s)) - julianday(e.at)) * 86400.0"
        now_param = timezone.make_naive(now, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    agency_join, agency_where, params = "", "", [now_param]
    if agency:
        agency_join = (
            f" JOIN {requests} r ON r.id = e.reclassification_id"
            f" JOIN {positions} p ON p.id = r.position_id"
            f" JOIN {facilities} f ON f.id = p.facility_id"
            f" JOIN {agencies} a ON a.id = f.agency_id"
        )
        agency_where = " WHERE a.code = %s"
        params.append(agency)
    closed = ", ".join(["%s"] * len(CLOSED_STATUSES))
    # Only table names from the models and fixed fragments are formatted in; values are params.
    sql = (
        f"SELECT to_status, COUNT(*), AVG(seconds), SUM(seconds) FROM ("  # noqa: S608
        f" SELECT e.to_status AS to_status, {seconds} AS seconds"
        f" FROM {events} e{agency_join}{agency_where}"
        f" WINDOW w AS (PARTITION BY e.reclassification_id ORDER BY e.at, e.id)"
        f") spells WHERE to_status NOT IN ({closed}) GROUP BY to_status"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *CLOSED_STATUSES])
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    return [
        StatusTime(
            status=status,
            label=str(label),
            spells=found[status][0],
            mean_days=round(float(found[status][1]) / 86400, 1),
            total_days=round(float(found[status][2]) / 86400, 1),
        )
        for status, label in STATUS_LABELS.items()
        if status in found
    ]


# --- reassignment ----------------------------------------------------------------------------------


def assigned_to_inactive(user: Any) -> QuerySet[ReclassificationRequest]:
    """Open requests whose assigned analyst can no longer sign in (DCC staff only)."""
    if not permissions.is_dcc_staff(user):
        return ReclassificationRequest.objects.none()
    return with_turnaround(
        reclassifications_visible_to(user).filter(
            assigned_to__is_active=False, status__in=OPEN_STATUSES
        )
    ).order_by("assigned_to__username", "pk")


__all__ = [
    "ISSUES",
    "DriftRow",
    "assigned_to_inactive",
    "dashboard_for",
    "drift_report",
    "last_completed_fiscal_year",
    "percentile",
    "time_in_status",
    "turnaround_by",
    "with_chief",
    "workload",
]
