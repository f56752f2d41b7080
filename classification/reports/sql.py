"""SQL building blocks: days to decision, percentiles, and the drift report's facts per facility
(raw SQL: one pass instead of correlated subqueries)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Aggregate, F, FloatField, QuerySet

from classification.models import (
    FacilityChief,
    LatestTitleChange,
    Position,
    PositionTitleChange,
    ReclassificationRequest,
    Title,
)
from classification.selectors import ADMINISTRATOR_CODES
from classification.workflow import DECIDED_STATUSES
from facilities.models import Agency, AnnualActivity, Facility

if TYPE_CHECKING:  # django-stubs-ext is a development package
    from django_stubs_ext import WithAnnotations


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: the `fraction` percentile, interpolated."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def decided(qs: QuerySet[ReclassificationRequest]) -> QuerySet[ReclassificationRequest]:
    """Decided requests with `days` to decision (submission to decision, pauses excluded).

    `days` is the stored `days_to_close` column, which the covering index on status holds."""
    return qs.filter(
        status__in=DECIDED_STATUSES, submitted_on__isnull=False, closed_on__isnull=False
    ).annotate(days=F("days_to_close"))


# The drift report's facts, each worked out once per facility: the chief HIM position (the
# rule of `selectors.chief_position`: highest rank, then item number), the accepted counts and
# last year's row as joins (at most one row each: one count per facility and year). The chief
# is the stored one (`FacilityChief`, kept by triggers, decision 0028) where no active position
# of the facility has a change still to come on the day asked about; for the few facilities
# that have one (`pending`), the titles held that day are worked out and ranked as before. CTEs:
# `visible` is the scoping selector's own query; its column is named, so that `v.id` cannot
# resolve to an outer table's `id`. Only table names, that query and fixed fragments are
# formatted in; values are parameters.
DRIFT_FACTS_SQL = """
WITH visible (id) AS ({visible}),
pending (facility_id) AS (
    SELECT DISTINCT p.facility_id FROM {latest} l
    JOIN {position} p ON p.id = l.position_id
    WHERE l.effective_on > %s AND p.active {positions_in_scope}
),
-- The title each active position of those facilities holds on the day: its latest change
-- (a row of {latest}, kept by a trigger) when it is in effect by then, else its latest change
-- effective by then, else the stored title. Materialized: the planner, left to inline it,
-- joined every position to each Administrator title before working out the position's title.
held AS MATERIALIZED (
    SELECT p.facility_id, p.id, p.item_number,
           COALESCE(CASE WHEN l.effective_on <= %s THEN l.to_title_id ELSE (
               SELECT h.to_title_id FROM {title_change} h
               WHERE h.position_id = p.id AND h.effective_on <= %s
               ORDER BY h.effective_on DESC, h.changed_at DESC, h.id DESC LIMIT 1
           ) END, p.title_id) AS title_id
    FROM {position} p
    LEFT JOIN {latest} l ON l.position_id = p.id
    WHERE p.active AND p.facility_id IN (SELECT facility_id FROM pending)
),
-- The chief HIM position of each facility (facts keeps the visible ones).
chief AS (
    SELECT facility_id, id, item_number, code, rank FROM (
        SELECT held.facility_id, held.id, held.item_number, t.code, t.rank,
               ROW_NUMBER() OVER (
                   PARTITION BY held.facility_id ORDER BY t.rank DESC, held.item_number
               ) AS n
        FROM held JOIN {title} t ON t.id = held.title_id
        WHERE t.code IN ({chief_codes})
    ) ranked WHERE n = 1
    UNION ALL
    SELECT c.facility_id, c.position_id, c.item_number, t.code, t.rank
    FROM {chief} c JOIN {title} t ON t.id = c.title_id
    WHERE NOT EXISTS (SELECT FROM pending WHERE pending.facility_id = c.facility_id)
),
facts AS (
    SELECT f.id, f.agency_id, a.code AS agency_code, f.name, f.code, f.facility_type,
           f.warranted_title_code, f.determination_year, f.trend_state,
           c.id AS chief_id, c.item_number AS chief_item, c.code AS chief_title_code,
           CASE WHEN w.rank > c.rank THEN 'up' WHEN w.rank < c.rank THEN 'down' ELSE ''
           END AS drift,
           accepted.individuals_served AS accepted_individuals,
           accepted.records_activities AS accepted_activities,
           COALESCE(f.facility_type = %s AND (
               accepted.individuals_served BETWEEN %s AND %s
               OR accepted.individuals_served BETWEEN %s AND %s
               OR accepted.records_activities BETWEEN %s AND %s
           ), FALSE) AS near_band,
           last_year.id IS NOT NULL AS has_year
    FROM {facility} f
    JOIN {agency} a ON a.id = f.agency_id
    LEFT JOIN chief c ON c.facility_id = f.id
    LEFT JOIN {title} w ON w.code = f.warranted_title_code
    LEFT JOIN {activity} accepted ON accepted.facility_id = f.id
        AND accepted.fiscal_year = f.determination_year AND accepted.status = %s
    LEFT JOIN {activity} last_year ON last_year.facility_id = f.id
        AND last_year.fiscal_year = %s
    WHERE f.active {facilities_in_scope}
)
SELECT {columns} FROM facts WHERE {issue} ORDER BY agency_code, name
"""

DRIFT_ISSUE_SQL = {
    "drift": "drift <> ''",
    "watch": "trend_state = 'watch'",
    "near": "near_band",
    "missing": "NOT has_year",
}


class DriftFacts(TypedDict):
    """The columns DRIFT_FACTS_SQL adds to each facility (see `drift_facts`)."""

    agency_code: str
    chief_id: int | None  # None: no chief position
    chief_item: str | None
    chief_title_code: str | None
    drift: str
    accepted_individuals: int | None  # None: no accepted counts
    accepted_activities: int | None
    near_band: bool
    has_year: bool


# The facility's own columns the query reads (the rest are deferred, loaded if read), then
# DriftFacts' in its order.
DRIFT_FACILITY_COLUMNS = (
    "id",
    "agency_id",
    "name",
    "code",
    "facility_type",
    "warranted_title_code",
    "determination_year",
    "trend_state",
)


class DriftFactRow(NamedTuple):
    """One facility's row of DRIFT_FACTS_SQL as read: plain values, no model instance yet."""

    id: int
    agency_id: int
    name: str
    code: str
    facility_type: str
    warranted_title_code: str
    determination_year: int | None
    trend_state: str
    agency_code: str
    chief_id: int | None
    chief_item: str | None
    chief_title_code: str | None
    drift: str
    accepted_individuals: int | None
    accepted_activities: int | None
    near_band: bool
    has_year: bool


_FACT_NAMES = DriftFactRow._fields[len(DRIFT_FACILITY_COLUMNS) :]


def drift_facts(
    visible: QuerySet[Facility],
    *,
    last_year: int,
    near_bands: Sequence[tuple[int, int]],
    on: date,
    issue: str = "",
) -> list[DriftFactRow]:
    """The active facilities of `visible` with `issue` (any of DRIFT_ISSUE_SQL if empty), by
    agency code and name, each with its agency's code and: `chief_id`, `chief_item`,
    `chief_title_code` (the chief HIM Administrator position on `on` and its title then),
    `drift` ("up", "down" or "", by rank), the latest accepted counts
    (`accepted_individuals`, `accepted_activities`), `near_band` (a DDSOO whose counts lie in
    `near_bands`: 3,000 and 7,000 individuals, then 250,000 activities) and `has_year` (any
    row for `last_year`). One query; plain rows (`drift_facility` makes the facility of one:
    a page's rows, not all of them)."""
    scope = visible.order_by().values("pk").query
    if scope.is_empty():
        return []
    scope_sql, scope_params = scope.sql_with_params()
    # A scope of every facility (DCC staff's) filters nothing: its two semi-joins, 5 ms of
    # the analyst's report at 2,000 facilities, are left out.
    scoped = bool(scope.where) or scope.is_sliced
    sql = DRIFT_FACTS_SQL.format(
        position=Position._meta.db_table,
        title=Title._meta.db_table,
        title_change=PositionTitleChange._meta.db_table,
        latest=LatestTitleChange._meta.db_table,
        chief=FacilityChief._meta.db_table,
        facility=Facility._meta.db_table,
        agency=Agency._meta.db_table,
        activity=AnnualActivity._meta.db_table,
        chief_codes=", ".join("%s" for _ in ADMINISTRATOR_CODES),
        visible=scope_sql,
        positions_in_scope="AND p.facility_id IN (SELECT v.id FROM visible v)" if scoped else "",
        facilities_in_scope="AND f.id IN (SELECT v.id FROM visible v)" if scoped else "",
        issue=DRIFT_ISSUE_SQL.get(issue) or " OR ".join(DRIFT_ISSUE_SQL.values()),
        columns=", ".join(DriftFactRow._fields),
    )
    (low_i, high_i), (low_i2, high_i2), (low_a, high_a) = near_bands
    params = [
        *scope_params,
        on,
        on,
        on,
        *ADMINISTRATOR_CODES,
        "ddsoo",
        low_i,
        high_i,
        low_i2,
        high_i2,
        low_a,
        high_a,
        AnnualActivity.Status.ACCEPTED,
        last_year,
    ]
    with connections[visible.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [DriftFactRow._make(row) for row in cursor.fetchall()]


def drift_facility(
    row: DriftFactRow, agencies: dict[int, Agency]
) -> WithAnnotations[Facility, DriftFacts]:
    """The facility of one row, as Facility.objects.raw would make it (the columns read, the
    rest deferred; DriftFacts as attributes), with its agency: what
    select_related("agency").only("agency__code") would give, one instance per agency in
    `agencies`."""
    facility = Facility.from_db(
        DEFAULT_DB_ALIAS, DRIFT_FACILITY_COLUMNS, row[: len(DRIFT_FACILITY_COLUMNS)]
    )
    for name in _FACT_NAMES:
        setattr(facility, name, getattr(row, name))
    if row.agency_id not in agencies:
        agencies[row.agency_id] = Agency.from_db(
            DEFAULT_DB_ALIAS, ["id", "code"], [row.agency_id, row.agency_code]
        )
    facility.agency = agencies[row.agency_id]
    return cast("WithAnnotations[Facility, DriftFacts]", facility)
