"""Reads behind the dashboard and the reports: scoped like every selector, aggregated in SQL.

Each function starts from a scoping selector (`facilities_visible_to`,
`reclassifications_visible_to`), so Agency HR never sees another agency's rows, counts or
totals. Every function runs a fixed number of queries whatever the number of rows: counts are
`aggregate()`s with filtered `Count`s, groups are `values().annotate()`, per-facility facts
are subqueries, or for the drift report joins in one raw query (`sql.drift_facts`).
Percentiles: PostgreSQL's `percentile_cont`, in SQL.
"""

from classification.reports.dashboard import (
    Dashboard,
    assigned_to_inactive,
    chart_data,
    dashboard_for,
    expiring_credentials,
    workload,
)
from classification.reports.drift import (
    ISSUES,
    DriftRow,
    drift_report,
    last_completed_fiscal_year,
    with_chief,
)
from classification.reports.sql import PercentileCont, decided
from classification.reports.turnaround import (
    GROUPINGS,
    StatusTime,
    TurnaroundRow,
    appeal_summary,
    time_in_status,
    turnaround_by,
)

__all__ = [
    "GROUPINGS",
    "ISSUES",
    "Dashboard",
    "DriftRow",
    "PercentileCont",
    "StatusTime",
    "TurnaroundRow",
    "appeal_summary",
    "assigned_to_inactive",
    "chart_data",
    "dashboard_for",
    "decided",
    "drift_report",
    "expiring_credentials",
    "last_completed_fiscal_year",
    "time_in_status",
    "turnaround_by",
    "with_chief",
    "workload",
]
