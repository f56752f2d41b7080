"""Days to decision (median, 90th percentile) and time spent in each status (DCC)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy

from classification.models import Position, ReclassificationEvent, ReclassificationRequest
from classification.reports.sql import PercentileCont, _is_postgres, decided, percentile
from classification.selectors import reclassifications_visible_to
from classification.workflow import CLOSED_STATUSES, STATUS_LABELS
from facilities import permissions
from facilities.models import Facility

SQLITE_PERCENTILE_LIMIT = 200_000


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


def _decided_for(
    user: Any, agency: str = "", since: date | None = None
) -> QuerySet[ReclassificationRequest]:
    qs = decided(reclassifications_visible_to(user).order_by()).annotate(
        quarter_year=ExtractYear("closed_on"), quarter_n=ExtractQuarter("closed_on")
    )
    if agency:
        qs = qs.filter(position__facility__agency__code=agency)
    if since is not None:
        qs = qs.filter(closed_on__gte=since)
    return qs


def turnaround_by(
    user: Any, grouping: str, *, agency: str = "", since: date | None = None
) -> list[TurnaroundRow]:
    """Median and 90th-percentile days to decision per agency, proposed title or calendar
    quarter of the decision (one query); `since` keeps decisions made on or after that date."""
    qs = _decided_for(user, agency, since)
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


def time_in_status(
    user: Any, *, agency: str = "", since: date | None = None, now: Any = None
) -> list[StatusTime]:
    """How long requests stay in each status: each event starts a spell that ends at the
    request's next event (LEAD over its events) or now if it is still there. Closed states
    are not spells; `since` keeps spells that started on or after that New York date. One
    query, aggregated in the database. DCC staff only."""
    if not permissions.is_dcc_staff(user):
        return []
    now = now or timezone.now()
    events = ReclassificationEvent._meta.db_table
    requests = ReclassificationRequest._meta.db_table
    positions = Position._meta.db_table
    facilities = Facility._meta.db_table
    agencies = Facility._meta.get_field("agency").related_model._meta.db_table

    def moment(value: datetime) -> Any:
        if _is_postgres():
            return value
        return timezone.make_naive(value, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    if _is_postgres():
        seconds = "EXTRACT(EPOCH FROM (COALESCE(LEAD(e.at) OVER w, %s) - e.at))"
    else:
        seconds = "(julianday(COALESCE(LEAD(e.at) OVER w, %s)) - julianday(e.at)) * 86400.0"
    agency_join, params = "", [moment(now)]
    conditions = []
    if agency:
        agency_join = (
            f" JOIN {requests} r ON r.id = e.reclassification_id"
            f" JOIN {positions} p ON p.id = r.position_id"
            f" JOIN {facilities} f ON f.id = p.facility_id"
            f" JOIN {agencies} a ON a.id = f.agency_id"
        )
        conditions.append("a.code = %s")
        params.append(agency)
    if since is not None:
        conditions.append("e.at >= %s")
        params.append(moment(timezone.make_aware(datetime.combine(since, time.min))))
    agency_where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
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
