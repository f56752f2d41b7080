"""The drift report: facilities whose chief title or counts need a look."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, overload

from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:  # django-stubs-ext is a development package
    from django_stubs_ext import WithAnnotations

from classification.allocation import (
    ACTIVITIES,
    INDIVIDUALS_HIGH,
    INDIVIDUALS_LOW,
    ThresholdDistance,
    threshold_distances,
)
from classification.models import Title
from classification.reports.sql import DriftFactRow, DriftFacts, drift_facility, drift_facts
from classification.selectors import chiefs_on
from classification.standard import title_for
from facilities import permissions
from facilities.models import Agency, Facility, User, current_fiscal_year
from facilities.selectors import drift_direction, facilities_visible_to

NEAR_THRESHOLD = 0.05  # "within 5% of a threshold", relative to the threshold


def with_chief(qs: QuerySet[Facility], on: date | None = None) -> QuerySet[Facility]:
    """Annotate each facility with its chief HIM position on `on` (today by default: id, title
    code and rank, by the title in effect) and the rank of its warranted title, as subqueries
    (the rule of `selectors.chief_position`)."""
    chief = chiefs_on(on or timezone.localdate(), facility=OuterRef("pk"))
    return qs.annotate(
        chief_id=Subquery(chief.values("pk")[:1]),
        chief_item=Subquery(chief.values("item_number")[:1]),
        chief_title_code=Subquery(chief.values("title_code_on")[:1]),
        chief_rank=Subquery(chief.values("title_rank_on")[:1]),
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


def with_drift(qs: QuerySet[Facility], on: date | None = None) -> QuerySet[Facility]:
    """Annotate `drift` alone, as `with_chief` does ("up", "down" or ""), for a list that shows
    no chief position (the registry's): `with_chief`'s Case reads the chief position's
    subquery three times more, for 25 facilities about 10 ms of the registry's 14."""
    chief = chiefs_on(on or timezone.localdate(), facility=OuterRef("pk"))
    warranted = Title.objects.filter(code=OuterRef("warranted_title_code")).values("rank")[:1]
    return qs.annotate(
        # A simple CASE computes SIGN(…) once; NULL (no chief, no warranted title) is "".
        drift=Func(
            Subquery(warranted) - Subquery(chief.values("title_rank_on")[:1]),
            template="CASE SIGN(%(expressions)s) WHEN 1 THEN 'up' WHEN -1 THEN 'down' ELSE '' END",
            output_field=CharField(),
        )
    )


def last_completed_fiscal_year(today: date | None = None) -> int:
    """The state fiscal year that ended most recently (SFY 2025-26 during SFY 2026-27)."""
    return current_fiscal_year(today) - 1


def _band(threshold: int) -> tuple[int, int]:
    margin = int(threshold * NEAR_THRESHOLD)
    return threshold - margin, threshold + margin


@dataclass(frozen=True)
class DriftRow:
    facility: WithAnnotations[Facility, DriftFacts]
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
    return title_for(code).short_name if code else ""


ISSUES = {
    "drift": gettext_lazy("Chief's title differs from the warranted title"),
    "watch": gettext_lazy("On watch"),
    "near": gettext_lazy("Within 5% of a threshold"),
    "missing": gettext_lazy("No counts for the last fiscal year"),
}


class DriftReport:
    """The drift report's rows in order: the facts of every row are read (the summary's counts
    are theirs), a DriftRow and its facility are made only for the rows asked for (a page's:
    `report[0:50]`), each once."""

    def __init__(
        self,
        facts: list[tuple[DriftFactRow, str | None, tuple[ThresholdDistance, ...]]],
        hr_agency: int | None,
    ) -> None:
        self._facts = facts
        self._hr_agency = hr_agency
        self._rows: dict[int, DriftRow] = {}
        self._agencies: dict[int, Agency] = {}
        self.summary = {
            "drift": sum(1 for _, drift, _ in facts if drift),
            "watch": sum(1 for f, _, _ in facts if f.trend_state == "watch"),
            "near": sum(1 for _, _, near in facts if near),
            "missing": sum(1 for f, _, _ in facts if not f.has_year),
        }

    def __len__(self) -> int:
        return len(self._facts)

    @overload
    def __getitem__(self, index: int) -> DriftRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[DriftRow]: ...
    def __getitem__(self, index: int | slice) -> DriftRow | list[DriftRow]:
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(len(self._facts)))]
        return self._row(range(len(self._facts))[index])

    def __iter__(self) -> Iterator[DriftRow]:
        return (self._row(i) for i in range(len(self._facts)))

    def _row(self, i: int) -> DriftRow:
        if i not in self._rows:
            f, drift, near = self._facts[i]
            self._rows[i] = DriftRow(
                facility=drift_facility(f, self._agencies),
                drift=drift,
                on_watch=f.trend_state == "watch",
                near=near,
                missing_year=not f.has_year,
                can_request=bool(drift and f.chief_id and self._hr_agency == f.agency_id),
            )
        return self._rows[i]


def drift_report(user: User, *, today: date | None = None, issue: str = "") -> DriftReport:
    """Active facilities the user may see that need a look: chief's title differs from the
    warranted one (up or down), on watch, a DDSOO within 5% of a threshold (latest accepted
    counts), or no counts for the last completed fiscal year. The chief's title is the one in
    effect on `today` (New York today by default). One query; `issue` narrows it."""
    facts = drift_facts(
        facilities_visible_to(user),
        last_year=last_completed_fiscal_year(today),
        near_bands=(_band(INDIVIDUALS_LOW), _band(INDIVIDUALS_HIGH), _band(ACTIVITIES)),
        on=today or timezone.localdate(),
        issue=issue if issue in ISSUES else "",
    )
    kept = []
    for f in facts:
        near: tuple[ThresholdDistance, ...] = ()
        if f.near_band:
            near = tuple(
                d
                for d in threshold_distances(f.accepted_individuals, f.accepted_activities)
                if d.distance <= d.crossed_value * NEAR_THRESHOLD
            )
        drift = drift_direction(f.warranted_title_code or None, f.chief_title_code)
        # The SQL band is a superset: keep a row it alone chose only if a threshold is near.
        if drift or f.trend_state == "watch" or near or not f.has_year:
            kept.append((f, drift, near))
    hr_agency = user.agency_id if permissions.is_agency_hr(user) else None
    return DriftReport(kept, hr_agency)
