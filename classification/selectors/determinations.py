"""What a facility's counts determine: the latest accepted counts, the determination on a day,
and the supervision checks a request is judged against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from django.utils import timezone

if TYPE_CHECKING:  # django-stubs-ext is a development package
    from django_stubs_ext import WithAnnotations
from classification.allocation import Allocation, allocate
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_3,
    TECHNICIAN_1,
    TECHNICIAN_2,
)
from facilities.models import AnnualActivity, AnnualActivityRevision, Facility

from ..models import Position, ReclassificationRequest, Title
from .positions import (
    ADMINISTRATOR_CODES,
    UNSET,
    RequestPageFacts,
    Unset,
    chief_position,
    title_for_display,
    title_in_effect,
    title_on,
)


@dataclass(frozen=True)
class Determination:
    """What the standard warrants for a facility now, and the counts year it rests on."""

    allocation: Allocation
    fiscal_year: int | None
    title: Title | None


def latest_accepted_counts(facility: Facility) -> AnnualActivity | None:
    return (
        AnnualActivity.objects.filter(facility=facility, status=AnnualActivity.Status.ACCEPTED)
        .order_by("-fiscal_year")
        .first()
    )


def counts_as_of(facility: Facility, fiscal_year: int, moment: datetime) -> LatestCounts | None:
    """A year's counts for the facility as they stood at `moment` (the last revision recorded
    by then; the row itself when it has no revision), or None when the year has no counts.

    A request freezes its determination's year when it is recommended; the letter quotes the
    figures of that moment, not a correction made since."""
    activity = AnnualActivity.objects.filter(facility=facility, fiscal_year=fiscal_year).first()
    if activity is None:
        return None
    revision = (
        AnnualActivityRevision.objects.filter(activity=activity, at__lte=moment)
        .order_by("-version")
        .first()
    )
    source = (
        (revision.new_individuals_served, revision.new_records_activities)
        if revision
        else (activity.individuals_served, activity.records_activities)
    )
    return LatestCounts(fiscal_year, *source)


class Counts(Protocol):
    """A year's counts as `allocate` reads them: a facility's `AnnualActivity` row, or the
    `LatestCounts` a page loaded with its request."""

    @property
    def fiscal_year(self) -> int: ...
    @property
    def individuals_served(self) -> int: ...
    @property
    def records_activities(self) -> int: ...


def determination_for_facility(
    facility: Facility,
    counts: Counts | Unset | None = UNSET,
    *,
    for_display: bool = False,
) -> Determination:
    """allocate() on the facility's latest accepted counts (counts decide only DDSOOs).

    Pass `counts` (or None: the facility has none) when already loaded, e.g. by
    `with_request_page_facts`. With `for_display` the title is `title_for_display`'s unsaved
    copy (no query), for a page that only shows it.
    """
    if counts is UNSET:
        counts = latest_accepted_counts(facility)
    allocation = allocate(
        facility.facility_type,
        individuals_served=counts.individuals_served if counts else None,
        records_activities=counts.records_activities if counts else None,
    )
    title = (
        None
        if not allocation.title_code
        else title_for_display(allocation.title_code)
        if for_display
        else Title.objects.filter(code=allocation.title_code).first()
    )
    return Determination(allocation, counts.fiscal_year if counts else None, title)


@dataclass(frozen=True)
class LatestCounts:
    fiscal_year: int
    individuals_served: int
    records_activities: int


def latest_counts_of(
    r: WithAnnotations[ReclassificationRequest, RequestPageFacts],
) -> LatestCounts | None:
    counts = r.latest_counts
    if counts is None:
        return None
    return LatestCounts(
        counts["fiscal_year"], counts["individuals_served"], counts["records_activities"]
    )


@dataclass(frozen=True)
class SupervisionCheck:
    ok: bool
    message: str


def supervision_checks(
    position: Position,
    proposed_title: Title | None,
    *,
    on: date | None = None,
    determination: Determination | None = None,
    chief: Position | Unset | None = UNSET,
) -> list[SupervisionCheck]:
    """DOMAIN.md's position-level checks for a request's position and proposed title, on
    `on` (New York today by default): the titles are those in effect that day, the facility's
    chief included. Pass the facility's `determination` and `chief` position (as
    `chief_position` gives it) when already loaded."""
    from django.utils.translation import gettext as _

    on = on or timezone.localdate()
    checks: list[SupervisionCheck] = []
    code = proposed_title.code if proposed_title else title_in_effect(position, on).code
    if code == TECHNICIAN_2:
        reports = (
            position.direct_reports.filter(active=True)
            .annotate(code_on=title_on(on, field="to_title__code"))
            .filter(code_on=TECHNICIAN_1)
            .count()
        )
        if reports:
            checks.append(
                SupervisionCheck(
                    True,
                    _("%(n)s Technician 1 position(s) report to this position.") % {"n": reports},
                )
            )
        else:
            checks.append(
                SupervisionCheck(
                    False,
                    _(
                        "No Technician 1 position reports to this position: a Technician 2 "
                        "supervises Technicians 1 (or is an overall assistant to an "
                        "Administrator)."
                    ),
                )
            )
    if code in ADMINISTRATOR_CODES:
        if determination is None:
            determination = determination_for_facility(position.facility)
        if chief is UNSET:
            chief = chief_position(position.facility, on)
        # The chief is another position: this one, reclassified, would be judged as the chief.
        other_chief = chief if chief is not None and chief.pk != position.pk else None
        warranted = determination.title
        if code == ADMINISTRATOR_1 and other_chief is not None:
            # The assistant clause reads the facility's actual chief, not what it warrants.
            if other_chief.title.code == ADMINISTRATOR_3:
                checks.append(
                    SupervisionCheck(
                        True,
                        _(
                            "An Administrator 1 may serve as assistant to an Administrator 3 "
                            "in a facility whose chief is an Administrator 3: this "
                            "facility's chief, %(item)s, is an Administrator 3."
                        )
                        % {"item": other_chief.item_number},
                    )
                )
            else:
                checks.append(
                    SupervisionCheck(
                        False,
                        _(
                            "An Administrator 1 may serve as assistant to an Administrator 3 "
                            "only in a facility whose chief is an Administrator 3; this "
                            "facility's chief, %(item)s, is an %(title)s."
                        )
                        % {
                            "item": other_chief.item_number,
                            "title": other_chief.title.short_name,
                        },
                    )
                )
        elif warranted is None:
            checks.append(
                SupervisionCheck(False, _("The standard gives this facility no automatic level."))
            )
        elif code == warranted.code:
            checks.append(
                SupervisionCheck(
                    True,
                    _("%(title)s is the level the standard warrants for this facility's chief.")
                    % {"title": warranted.short_name},
                )
            )
        else:
            checks.append(
                SupervisionCheck(
                    False,
                    _("The standard warrants %(title)s for this facility's chief position.")
                    % {"title": warranted.short_name},
                )
            )
        if other_chief is not None:
            checks.append(
                SupervisionCheck(
                    True,
                    _("The facility's chief HIM position is %(item)s (%(title)s).")
                    % {"item": other_chief.item_number, "title": other_chief.title.short_name},
                )
            )
    return checks
