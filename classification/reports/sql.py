"""SQL building blocks: days to decision, percentiles (PostgreSQL) and their fallback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Aggregate, F, FloatField, Func, IntegerField, QuerySet

from classification.models import ReclassificationRequest
from classification.workflow import DECIDED_STATUSES


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


def decided(qs: QuerySet[ReclassificationRequest]) -> QuerySet[ReclassificationRequest]:
    """Decided requests with `days` to decision (submission to decision, pauses excluded)."""
    return qs.filter(
        status__in=DECIDED_STATUSES, submitted_on__isnull=False, closed_on__isnull=False
    ).annotate(days=DecisionDays())
