"""Days to decision (median, 90th percentile) and time spent in each status (DCC)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy

from classification.appeal_workflow import STATUS_LABELS as APPEAL_LABELS
from classification.models import Appeal, ReclassificationRequest, SpellTally, StatusSpell
from classification.reports.sql import PercentileCont, decided
from classification.selectors import reclassifications_visible_to
from classification.workflow import STATUS_LABELS
from facilities import permissions
from facilities.models import User


def _tenths(days: float | None) -> float | None:
    """Days to one decimal, as the page shows them: PercentileCont interpolates in binary
    floating point (52.400000000000006), which an export would otherwise print."""
    return None if days is None else round(days, 1)


@dataclass(frozen=True)
class TurnaroundRow:
    key: str
    label: str
    decided: int
    median: float | None
    p90: float | None


GROUPINGS = {
    "agency": (
        "agency__code",
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
    user: User, agency: str = "", since: date | None = None
) -> QuerySet[ReclassificationRequest]:
    qs = decided(reclassifications_visible_to(user).order_by()).annotate(
        quarter_year=ExtractYear("closed_on"), quarter_n=ExtractQuarter("closed_on")
    )
    if agency:
        qs = qs.filter(agency__code=agency)
    if since is not None:
        qs = qs.filter(closed_on__gte=since)
    return qs


def turnaround_by(
    user: User, grouping: str, *, agency: str = "", since: date | None = None
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

    rows = (
        qs.values(*key_fields)
        .annotate(
            n=Count("status"),  # not pk: the closed_on index holds the columns read, no id
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
            median=_tenths(r["median"]),
            p90=_tenths(r["p90"]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class StatusTime:
    status: str
    label: str
    spells: int
    mean_days: float
    total_days: float


class _Microseconds(Func):
    """An interval in whole microseconds (EXTRACT gives an exact numeric)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()


def time_in_status(
    user: User, *, agency: str = "", since: date | None = None, now: datetime | None = None
) -> list[StatusTime]:
    """How long requests stay in each status: the sum of their spells (`StatusSpell`, one per
    event that entered a status, ending at the request's next event or, while it is still
    there, now). Closed states are not spells; `since` keeps spells that started on or after
    that New York date. One query, aggregated in the database. DCC staff only.

    All agencies' spells are read from the spell tally (decision 0027: a row per day and
    status, the ended spells' lengths summed), with the spells still open added from their
    own index; one agency's are summed from its spells."""
    if not permissions.is_dcc_staff(user):
        return []
    now = now or timezone.now()
    at_now = Value(now, output_field=DateTimeField())
    spells = StatusSpell.objects.order_by()
    if since is not None:
        spells = spells.filter(
            started_at__gte=timezone.make_aware(datetime.combine(since, time.min))
        )
    rows: Iterable[Mapping[str, Any]]
    if agency:
        length = ExpressionWrapper(
            Coalesce("ended_at", at_now) - F("started_at"), output_field=DurationField()
        )
        # COUNT(status), not COUNT(pk): the started_at index holds status, not the key.
        rows = (
            spells.filter(reclassification__agency__code=agency)
            .values("status")
            .annotate(n=Count("status"), us=Sum(_Microseconds(length)))
        )
    else:
        tally = SpellTally.objects.order_by()
        if since is not None:
            tally = tally.filter(started_on__gte=since)
        ended = tally.values("status").annotate(n=Sum("spells"), us=Sum("ended_us"))
        still_open = (
            spells.filter(ended_at__isnull=True)
            .values("status")
            # `now` less the start, not `length`: what reads ended_at reads the table too.
            .annotate(
                n=Value(0, output_field=IntegerField()),
                us=Sum(_Microseconds(at_now - F("started_at"))),
            )
        )
        rows = ended.union(still_open, all=True)
    found: dict[str, list[int]] = {}
    for row in rows:
        total = found.setdefault(row["status"], [0, 0])
        total[0] += int(row["n"])
        total[1] += int(row["us"] or 0)
    us_a_day = 86_400_000_000
    return [
        StatusTime(
            status=status,
            label=str(label),
            spells=found[status][0],
            mean_days=round(found[status][1] / found[status][0] / us_a_day, 1),
            total_days=round(found[status][1] / us_a_day, 1),
        )
        for status, label in STATUS_LABELS.items()
        if found.get(status, [0])[0]
    ]


@dataclass(frozen=True)
class AppealRow:
    status: str
    label: str
    appeals: int


@dataclass(frozen=True)
class AppealSummary:
    """Appeals, counted apart from requests: how many in each state, and the median calendar
    days from filing to the Commission's decision."""

    rows: list[AppealRow]
    decided: int
    median_days: float | None


def appeal_summary(user: User, *, agency: str = "", since: date | None = None) -> AppealSummary:
    """DCC staff only (empty otherwise); `since` keeps appeals filed on or after that New York
    date. Two queries."""
    if not permissions.is_dcc_staff(user):
        return AppealSummary(rows=[], decided=0, median_days=None)
    appeals = Appeal.objects.order_by()
    if agency:
        appeals = appeals.filter(reclassification__agency__code=agency)
    if since is not None:
        appeals = appeals.filter(filed_on__gte=since)
    found = dict(appeals.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    # date - date is a whole number of days in PostgreSQL.
    days = Func(
        F("commission_decided_on"),
        F("filed_on"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )
    done = appeals.filter(commission_decided_on__isnull=False)
    stats = done.aggregate(n=Count("pk"), median=PercentileCont(days, 0.5))
    return AppealSummary(
        rows=[AppealRow(s, str(label), found.get(s, 0)) for s, label in APPEAL_LABELS.items()],
        decided=stats["n"],
        median_days=_tenths(stats["median"]),
    )
