"""SQL building blocks: days to decision, percentiles (PostgreSQL) and their fallback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Aggregate, F, FloatField, QuerySet

from classification.models import ReclassificationRequest
from classification.workflow import DECIDED_STATUSES


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
    """Decided requests with `days` to decision (submission to decision, pauses excluded).

    `days` is the stored `days_to_close` column, which the covering index on status holds."""
    return qs.filter(
        status__in=DECIDED_STATUSES, submitted_on__isnull=False, closed_on__isnull=False
    ).annotate(days=F("days_to_close"))
