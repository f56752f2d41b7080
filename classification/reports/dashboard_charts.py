"""The dashboard's three charts, scoped like every selector: requests by agency and status, days
to decision, and submissions against decisions by month."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from classification.charts import bar_chart
from classification.selectors import filed_requests_visible_to, tallies_visible_to
from classification.status_colours import status_colour
from classification.workflow import DECIDED_STATUSES, DRAFT, STATUS_LABELS
from facilities.models import User

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


def _month_starts(today: date, n: int = MONTHS_SHOWN) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _i in range(n):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _bucket_label(low: int, high: int | None) -> str:
    return f"{low}–{high}" if high is not None else f"{low}+"


def _day_bucket() -> Case:
    """Which of DAY_BUCKETS a decided request's days to close fall in (None: not decided, or
    outside every bucket)."""
    return Case(
        When(~Q(status__in=DECIDED_STATUSES), then=Value(None)),
        *(
            When(
                Q(days_to_close__gte=low) & (Q(days_to_close__lte=high) if high else Q()),
                then=Value(i),
            )
            for i, (low, high) in enumerate(DAY_BUCKETS)
        ),
        default=Value(None),
        output_field=IntegerField(),
    )


def chart_data(user: User, *, today: date) -> dict[str, Any]:
    """The three charts' numbers for `user` (two queries)."""
    # 1 and 2 from the request tally (decision 0024: a few hundred rows kept by triggers, not
    # 100,000 requests counted): by agency and status, and decided ones by days to close.
    # A request has days to close exactly when it has both dates (tests/ops/invariants.py),
    # which is what "decided" asks of it.
    grid: dict[str, Counter[str]] = defaultdict(Counter)
    days: Counter[int] = Counter()
    tallies = tallies_visible_to(user).annotate(bucket=_day_bucket())
    for row in tallies.values("agency__code", "status", "bucket").annotate(n=Sum("requests")):
        grid[row["agency__code"]][row["status"]] += row["n"]
        if row["bucket"] is not None:
            days[row["bucket"]] += row["n"]
    statuses = [s for s in STATUS_LABELS if s != DRAFT]
    by_agency = bar_chart(
        slug="by-status",
        title=_("Requests by status and agency"),
        description=_("Submitted requests of each agency, split by their current status."),
        category=_("Agency"),
        series=[str(STATUS_LABELS[s]) for s in statuses],
        series_classes=[status_colour(s).chart for s in statuses],
        # An agency shows once it has a request (a tally row left at zero does not count).
        rows=[
            (code, [grid[code][s] for s in statuses])
            for code in sorted(grid)
            if any(grid[code].values())
        ],
    )
    days_chart = bar_chart(
        slug="days",
        title=_("Days to decision"),
        description=_(
            "How many decided requests took each number of days from submission to decision, "
            "not counting days waiting on the agency."
        ),
        category=_("Days"),
        series=[str(_("Decided requests"))],
        rows=[(_bucket_label(low, high), [days[i]]) for i, (low, high) in enumerate(DAY_BUCKETS)],
    )
    # 3. submissions against decisions by month (New York dates): two range scans, of the
    # submitted_on and the closed_on index, in one query, counted by day and summed into months
    # here (DATE_TRUNC of a date goes through a time zone on every row: twice the time).
    months = _month_starts(today)
    window = {"gte": months[0], "lt": _next_month(months[-1])}
    visible = filed_requests_visible_to(user)
    # COUNT(status), not COUNT(id): the indexes read hold no id (status is never NULL).
    submitted = (
        visible.filter(**{f"submitted_on__{k}": v for k, v in window.items()})
        .annotate(kind=Value("s"), day=F("submitted_on"))
        .values("kind", "day")
        .annotate(n=Count("status"))
    )
    closed = (
        visible.filter(
            status__in=DECIDED_STATUSES, **{f"closed_on__{k}": v for k, v in window.items()}
        )
        .annotate(kind=Value("d"), day=F("closed_on"))
        .values("kind", "day")
        .annotate(n=Count("status"))
    )
    monthly: Counter[tuple[str, date]] = Counter()
    for r in submitted.union(closed, all=True).order_by():
        monthly[(r["kind"], r["day"].replace(day=1))] += r["n"]
    by_month = bar_chart(
        slug="by-month",
        title=_("Submissions and decisions by month"),
        description=_("Requests submitted and requests decided in each of the last 12 months."),
        category=_("Month"),
        series=[str(_("Submitted")), str(_("Decided"))],
        rows=[
            (date_format(m, "M Y"), [monthly.get(("s", m), 0), monthly.get(("d", m), 0)])
            for m in months
        ],
        stacked=False,
    )
    return {"by_status": by_agency, "days": days_chart, "by_month": by_month}
