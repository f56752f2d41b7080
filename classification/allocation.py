"""Allocation: which Administrator level a facility's HIM program warrants.

Pure rules, no Django: `allocate` decides the level from the facility type (and, for a DDSOO,
its annual counts) exactly as DOMAIN.md's "DDSOO rule" table reads the standard's
Distinguishing Characteristics; `threshold_distances` says how far a DDSOO stands from each
count that would change its level; `confirm_trend` says whether consecutive accepted years
confirm a level. Every result quotes the standard's words and names each Interpretation used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    CLAUSES,
    FACILITY_TYPES,
    PHRASES,
    STANDARD_ID,
    Title,
    compare_levels,
    title_for,
    title_rank,
)

__all__ = [
    "Allocation",
    "ThresholdDistance",
    "Trend",
    "allocate",
    "compare_levels",
    "confirm_trend",
    "sfy_label",
    "threshold_distances",
    "title_rank",
]

# The DDSOO thresholds, in the standard's words: "3,000", "6,999"/"7,000", "250,000".
INDIVIDUALS_LOW = 3_000
INDIVIDUALS_HIGH = 7_000
ACTIVITIES = 250_000

Measure = Literal["individuals_served", "records_activities"]

# Types whose level the standard names outright: type -> (title, phrase quoted).
_FIXED_LEVELS: dict[str, tuple[str, str]] = {
    "doccs_rmu": (ADMINISTRATOR_1, "a1-rmu"),
    "childrens_pc_colocated": (ADMINISTRATOR_1, "a1-colocated"),
    "childrens_pc_freestanding": (ADMINISTRATOR_2, "a2-freestanding-children"),
    "adult_pc_freestanding": (ADMINISTRATOR_3, "a3-adult-forensic-rehab"),
    "forensic_pc_freestanding": (ADMINISTRATOR_3, "a3-adult-forensic-rehab"),
    "rehabilitation_hospital": (ADMINISTRATOR_3, "a3-adult-forensic-rehab"),
}


@dataclass(frozen=True, slots=True)
class Allocation:
    """The level the standard gives a facility, and why."""

    facility_type: str
    title_code: str | None
    needs_review: bool
    reasons: tuple[str, ...]
    clauses: tuple[str, ...]
    interpretations: tuple[str, ...]
    individuals_served: int | None = None
    records_activities: int | None = None
    standard: str = STANDARD_ID

    @property
    def title(self) -> Title | None:
        """The Title allocated, or None when the standard gives no automatic level."""
        return None if self.title_code is None else title_for(self.title_code)


@dataclass(frozen=True, slots=True)
class ThresholdDistance:
    """How far one DDSOO count stands from a threshold whose crossing changes the level."""

    measure: Measure
    crossed_value: int  # the count just across the threshold
    distance: int  # how many more (direction "up") or fewer ("down") it takes
    direction: Literal["up", "down"]
    title_code: str  # the level allocate() gives at crossed_value
    needs_review: bool
    sentence: str  # e.g. "1,240 individuals below 3,000 → Administrator 2"


@dataclass(frozen=True, slots=True)
class Trend:
    """What the latest accepted years' levels say: confirmed, on watch, or no data."""

    state: Literal["confirmed", "watch", "no_data"]
    latest_year: int | None
    latest_level: str | None
    previous_year: int | None
    previous_level: str | None
    change: Literal["up", "down"] | None  # latest relative to previous year's level
    reasons: tuple[str, ...]
    interpretations: tuple[str, ...] = ("two-year-confirmation",)
    standard: str = STANDARD_ID


def _quote(*phrase_ids: str) -> str:
    """The standard's words for phrases of one clause, quoted, with the clause's heading."""
    words = " ... ".join(f'"{PHRASES[p].text}"' for p in phrase_ids)
    return f"{words} ({CLAUSES[PHRASES[phrase_ids[0]].clause].heading})"


def _check_count(name: str, value: object) -> int | None:
    """A count is None (not reported) or a whole number of 0 or more; bool is not a count."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            f"{name} must be a whole number (int) or None, not {value!r} ({type(value).__name__})."
        )
    if value < 0:
        raise ValueError(f"{name} cannot be negative (got {value:,}); report 0 or more.")
    return value


def _check_facility_type(facility_type: object) -> str:
    if not isinstance(facility_type, str) or facility_type not in FACILITY_TYPES:
        raise ValueError(
            f"Unknown facility type {facility_type!r}: use one of {', '.join(FACILITY_TYPES)}."
        )
    return facility_type


def allocate(
    facility_type: str,
    *,
    individuals_served: int | None,
    records_activities: int | None,
) -> Allocation:
    """Decide the Administrator level for a facility of `facility_type`.

    Fixed types get the level the standard names; a DDSOO is decided by its counts, top-down
    per DOMAIN.md; `other` and a DDSOO without counts get no level and need review. Counts of
    other types are validated and reported as information only.
    """
    facility_type = _check_facility_type(facility_type)
    i = _check_count("individuals_served", individuals_served)
    a = _check_count("records_activities", records_activities)
    if facility_type == "ddsoo":
        code, review, reasons, clauses, interps = _allocate_ddsoo(i, a)
    elif facility_type == "other":
        code, review, clauses, interps = None, True, [], ["other-type"]
        reasons = [
            f"No automatic level: the standard's Distinguishing Characteristics name no "
            f"Administrator level for {FACILITY_TYPES['other']}, so an analyst decides "
            f"(Interpretation other-type); this determination needs review."
        ]
    else:
        code, phrase = _FIXED_LEVELS[facility_type]
        review, clauses, interps = False, [PHRASES[phrase].clause], []
        reasons = [
            f"{title_for(code).short_name}: the standard gives this level to the health "
            f"information management program of {_quote(phrase)}; the facility is a "
            f"{FACILITY_TYPES[facility_type]}, so its type decides, not its counts."
        ]
    if facility_type != "ddsoo" and (i is not None or a is not None):
        interps.append("counts-only-ddsoo")
        reasons.append(
            f"Counts reported ({_counts_text(i, a)}) are shown as information only: counts "
            f"decide only DDSOOs (Interpretation counts-only-ddsoo)."
        )
    return Allocation(
        facility_type=facility_type,
        title_code=code,
        needs_review=review,
        reasons=tuple(reasons),
        clauses=tuple(clauses),
        interpretations=tuple(interps),
        individuals_served=i,
        records_activities=a,
    )


def _counts_text(i: int | None, a: int | None) -> str:
    served = "individuals served not reported" if i is None else f"{i:,} individuals served"
    done = "records activities not reported" if a is None else f"{a:,} records activities"
    return f"{served}, {done}"


def _allocate_ddsoo(
    i: int | None, a: int | None
) -> tuple[str | None, bool, list[str], list[str], list[str]]:
    """DOMAIN.md's DDSOO table, evaluated top-down: (title, review, reasons, clauses, interps)."""
    if i is None or a is None:
        return (
            None,
            True,
            [
                f"No automatic level: the standard decides a DDSOO by its counts and this one "
                f"has {_counts_text(i, a)} (Interpretation ddsoo-without-counts: a DDSOO "
                f"without counts gets no automatic level); this determination needs review."
            ],
            [],
            ["ddsoo-without-counts"],
        )
    facts = (
        f"this DDSOO serves {i:,} individuals and performs {a:,} health records activities annually"
    )
    a3 = [p for p, hit in (("a3-and", i >= 3_000 and a > 250_000), ("a3-7000", i >= 7_000)) if hit]
    a2 = [p for p, hit in (("a2-between", 3_000 <= i <= 6_999), ("a2-more", a > 250_000)) if hit]
    reasons: list[str] = []
    interps: list[str] = []
    if a3:
        code, clauses = ADMINISTRATOR_3, ["dc-admin-3"]
        reasons.append(
            f"Administrator 3: the standard gives a DDSOO that {_quote(*a3)} this level; {facts}."
        )
        if a2:
            # The A2 "either/or" matches too: say so, and why the higher level wins.
            clauses.append("dc-admin-2")
            interps.append("overlap")
            reasons.append(
                f"Interpretation overlap: the Administrator 2 clause {_quote(*a2)} also "
                f'matches; where the Administrator 2 "either/or" and the Administrator 3 '
                f'"and" both match, the highest level met wins, otherwise the '
                f"Administrator 3 clause could never apply."
            )
    elif a2:
        code, clauses = ADMINISTRATOR_2, ["dc-admin-2"]
        reasons.append(
            f"Administrator 2: the standard gives a DDSOO that {_quote(*a2)} this level; {facts}."
        )
    elif a < 250_000:
        code, clauses = ADMINISTRATOR_1, ["dc-admin-1"]
        reasons.append(
            f"Administrator 1: the standard gives a DDSOO that {_quote('a1-ddsoo')} this "
            f"level; {facts}."
        )
    else:
        # Fewer than 3,000 individuals and exactly 250,000 activities: no clause matches.
        code, clauses = ADMINISTRATOR_1, ["dc-admin-1", "dc-admin-2", "dc-admin-3"]
        interps.append("gap")
        reasons.append(
            f"Administrator 1, needs review: no clause of the standard matches; {facts}. "
            f"Administrator 1 asks for {_quote('a1-ddsoo')}; Administrator 2 for "
            f"{_quote('a2-more')}; Administrator 3 for {_quote('a3-and')}. Exactly 250,000 is "
            f'neither "fewer than" nor "more than" 250,000 (Interpretation gap: the product '
            f"proposes Administrator 1 and marks the determination needs review)."
        )
    if "a2-between" in a2:
        interps.append("between-inclusive")
        reasons.append(
            'Interpretation between-inclusive: "between 3,000 and 6,999" is read as including '
            "3,000 and 6,999."
        )
    return code, "gap" in interps, reasons, clauses, interps


def threshold_distances(
    individuals_served: int | None, records_activities: int | None
) -> tuple[ThresholdDistance, ...]:
    """How far a DDSOO's counts stand from each threshold whose crossing changes its level.

    Thresholds: 3,000 and 7,000 individuals, and more than 250,000 records activities (the
    count of exactly 250,000 never changes the title, only the needs-review flag, so it is not
    listed). Each threshold is crossed on one count with the other held, and listed only when
    allocate() gives a different title there. Empty when either count is missing.
    """
    i = _check_count("individuals_served", individuals_served)
    a = _check_count("records_activities", records_activities)
    if i is None or a is None:
        return ()
    current = allocate("ddsoo", individuals_served=i, records_activities=a)
    found: list[ThresholdDistance] = []
    thresholds: tuple[tuple[Measure, int], ...] = (
        ("individuals_served", INDIVIDUALS_LOW),
        ("individuals_served", INDIVIDUALS_HIGH),
        ("records_activities", ACTIVITIES + 1),  # the first count "more than 250,000"
    )
    for measure, first_above in thresholds:
        value = i if measure == "individuals_served" else a
        up = value < first_above
        crossed = first_above if up else first_above - 1
        counts = {"individuals_served": i, "records_activities": a, measure: crossed}
        result = allocate("ddsoo", **counts)
        if result.title_code == current.title_code:
            continue
        found.append(_distance(measure, value, crossed, up, result))
    return tuple(found)


def _distance(
    measure: Measure,
    value: int,
    crossed: int,
    up: bool,
    result: Allocation,
) -> ThresholdDistance:
    distance = abs(crossed - value)
    one = distance == 1
    unit = (
        ("individual" if one else "individuals")
        if measure == "individuals_served"
        else ("records activity" if one else "records activities")
    )
    assert result.title_code is not None  # a DDSOO with counts always gets a level
    level = title_for(result.title_code).short_name + (
        " (needs review)" if result.needs_review else ""
    )
    # Up: "1,240 individuals below 3,000"; down: "501 fewer individuals (2,999)".
    where = (
        f"{distance:,} {unit} below {crossed:,}"
        if up
        else f"{distance:,} fewer {unit} ({crossed:,})"
    )
    return ThresholdDistance(
        measure=measure,
        crossed_value=crossed,
        distance=distance,
        direction="up" if up else "down",
        title_code=result.title_code,
        needs_review=result.needs_review,
        sentence=f"{where} → {level}",
    )


_CITE = "Interpretation two-year-confirmation"


def sfy_label(year: int) -> str:
    """State fiscal year label for its start year: 2025 -> "SFY 2025-26"."""
    return f"SFY {year}-{(year + 1) % 100:02d}"


def confirm_trend(levels_by_year: Sequence[tuple[int, str | None]]) -> Trend:
    """Say whether accepted years confirm a facility's level.

    `levels_by_year` holds (SFY start year, level code or None) for accepted years only, in
    any order. The latest year decides the level; it is confirmed only when the year just
    before it was accepted too and gave the same level; otherwise the facility is on watch.
    No years, or a latest year without a level, is "no_data".
    """
    rows: dict[int, str | None] = {}
    for year, level in levels_by_year:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"Year must be an SFY start year (int), not {year!r}.")
        if level is not None:
            title_for(level)  # ValueError naming the valid codes
        if year in rows:
            raise ValueError(f"{sfy_label(year)} appears twice: pass one level per year.")
        rows[year] = level
    if not rows:
        why = "No accepted year of counts: no level can be confirmed"
        return Trend("no_data", None, None, None, None, None, (f"{why} ({_CITE}).",))
    years = sorted(rows)
    latest = years[-1]
    level = rows[latest]
    prev = years[-2] if len(years) > 1 else None
    prev_level = None if prev is None else rows[prev]
    if level is None:
        why = f"The latest accepted year, {sfy_label(latest)}, gives no automatic level"
        return Trend("no_data", latest, None, prev, prev_level, None, (f"{why} ({_CITE}).",))
    name = title_for(level).short_name
    change: Literal["up", "down"] | None = None
    if prev_level is not None and prev_level != level:
        change = "up" if compare_levels(level, prev_level) > 0 else "down"
    if prev is not None and prev == latest - 1 and prev_level == level:
        state: Literal["confirmed", "watch"] = "confirmed"
        why = (
            f"{name} is confirmed: {sfy_label(prev)} and {sfy_label(latest)}, two consecutive "
            f"accepted years, agree"
        )
    elif prev is None or prev != latest - 1:
        state = "watch"
        why = (
            f"{name} rests on {sfy_label(latest)} alone (no accepted {sfy_label(latest - 1)}), "
            f"so the facility is on watch"
        )
    else:
        state = "watch"
        before = "no level" if prev_level is None else title_for(prev_level).short_name
        why = (
            f"{sfy_label(latest)} gives {name} but {sfy_label(prev)} gave {before}; one year "
            f"alone puts the facility on watch"
        )
    reasons = [f"{why} ({_CITE})."]
    if change == "down":
        reasons.append("A downgrade opens a review, never an automatic action.")
    return Trend(state, latest, level, prev, prev_level, change, tuple(reasons))
