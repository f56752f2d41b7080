"""The facts the rules read: credentials, experience spells, and experience counted in FTE days
(Interpretation fte-days) by a sweep over spell boundaries with exact Fractions. Pure, no Django."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Outcome = Literal["qualified", "not_qualified", "unverified"]


Family = Literal["RHIT", "RHIA"]


# AHIMA's former names count as the same credential (Interpretation rhit-names).
CREDENTIAL_KINDS: dict[str, Family] = {"RHIT": "RHIT", "ART": "RHIT", "RHIA": "RHIA", "RRA": "RHIA"}


CREDENTIAL_STATUSES = ("active", "inactive", "revoked")


FULL_TIME_HOURS = Fraction(75, 2)  # 37.5 hours a week is one FTE day per day


_RANK: dict[str, int] = {"not_qualified": 0, "unverified": 1, "qualified": 2}


def _check_date(name: str, value: object, *, optional: bool = False) -> None:
    # datetime is a date subclass but cannot be compared with a date: refuse it early.
    if value is None and optional:
        return
    if not isinstance(value, date) or isinstance(value, datetime):
        kind = "a date or None" if optional else "a date"
        raise ValueError(f"{name} must be {kind} (datetime.date), not {value!r}.")


@dataclass(frozen=True, slots=True)
class Credential:
    """An AHIMA certification a person holds (RHIT, RHIA, or their former names ART, RRA)."""

    kind: str
    awarded_on: date
    status: str
    valid_through: date | None = None
    verified_on: date | None = None

    def __post_init__(self) -> None:
        if self.kind not in CREDENTIAL_KINDS:
            raise ValueError(
                f"Unknown credential kind {self.kind!r}: use one of {', '.join(CREDENTIAL_KINDS)}."
            )
        if self.status not in CREDENTIAL_STATUSES:
            raise ValueError(
                f"Unknown credential status {self.status!r}: use one of "
                f"{', '.join(CREDENTIAL_STATUSES)} (AHIMA's status)."
            )
        _check_date("Credential.awarded_on", self.awarded_on)
        _check_date("Credential.valid_through", self.valid_through, optional=True)
        _check_date("Credential.verified_on", self.verified_on, optional=True)

    @property
    def family(self) -> Family:
        """The credential it counts as: "RHIT" for RHIT and ART, "RHIA" for RHIA and RRA."""
        return CREDENTIAL_KINDS[self.kind]

    def is_current(self, on: date) -> bool:
        """Active, awarded on or before `on`, and valid through `on` (if an end is known)."""
        return self.currency(on)[0]

    def currency(self, on: date) -> tuple[bool, str]:
        """Whether the credential is current certification on `on`, and why (for reasons)."""
        if self.status != "active":
            return False, f"has AHIMA status {self.status}, so it is not current certification"
        if self.awarded_on > on:
            return False, f"was awarded after {on}, so it is not current certification on {on}"
        if self.valid_through is not None and self.valid_through < on:
            return False, f"was valid through {self.valid_through}, before {on}: not current"
        end = "no end date" if self.valid_through is None else f"valid through {self.valid_through}"
        return True, f"is current certification on {on} (status active, {end})"

    def __str__(self) -> str:
        return f"{self.kind} awarded {self.awarded_on.isoformat()}"


@dataclass(frozen=True, slots=True)
class Experience:
    """A spell of work: start and end both included; end None means it is still going on."""

    start: date
    end: date | None = None
    hours_per_week: float | int | Fraction | Decimal = 37.5
    him: bool = True

    def __post_init__(self) -> None:
        _check_date("Experience.start", self.start)
        _check_date("Experience.end", self.end, optional=True)
        if self.end is not None and self.end < self.start:
            raise ValueError(
                f"Experience ends ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()}): swap the dates or correct one of them."
            )
        h = self.hours_per_week
        if isinstance(h, bool) or not isinstance(h, int | float | Fraction | Decimal):
            raise ValueError(f"hours_per_week must be a number, not {h!r}.")
        try:
            in_range = 0 < h <= 80  # a float NaN fails this too
        except ArithmeticError:  # a Decimal NaN refuses to compare at all
            in_range = False
        if not in_range:
            raise ValueError(
                f"hours_per_week must be more than 0 and at most 80 (got {h}); "
                "a full-time week is 37.5."
            )
        if not isinstance(self.him, bool):
            raise ValueError(f"him must be True or False, not {self.him!r}.")

    @property
    def hours(self) -> Fraction:
        """Hours per week as an exact Fraction (a float is read as the decimal it shows)."""
        h = self.hours_per_week
        return Fraction(str(h)) if isinstance(h, float) else Fraction(h)


Segment = tuple[int, int | None, Fraction]  # first day, last day (None: open), daily rate


def _segments(experience: Iterable[Experience], window_start: date) -> list[Segment]:
    """Days from `window_start` on as runs of equal FTE rate; open spells run forever."""
    delta: dict[int, Fraction] = {}
    first = window_start.toordinal()
    for spell in experience:
        if not spell.him:
            continue  # non-HIM work counts nothing
        start = max(spell.start.toordinal(), first)
        end = None if spell.end is None else spell.end.toordinal()
        if end is not None and end < start:
            continue  # wholly before the window
        delta[start] = delta.get(start, Fraction(0)) + spell.hours
        if end is not None:
            delta[end + 1] = delta.get(end + 1, Fraction(0)) - spell.hours
    points = sorted(delta)
    out: list[Segment] = []
    hours = Fraction(0)
    for k, day in enumerate(points):
        hours += delta[day]
        last = points[k + 1] - 1 if k + 1 < len(points) else None
        rate = min(Fraction(1), hours / FULL_TIME_HOURS)
        if rate > 0:
            out.append((day, last, rate))
    return out


def fte_days(experience: Iterable[Experience], *, window_start: date, as_of: date) -> Fraction:
    """FTE days of HIM experience from `window_start` to `as_of`, both included.

    Each day adds min(1, hours of all HIM spells covering it / 37.5); open spells end at
    `as_of`; days outside the window count nothing (Interpretation fte-days).
    """
    stop = as_of.toordinal()
    total = Fraction(0)
    for first, last, rate in _segments(experience, window_start):
        end = stop if last is None else min(last, stop)
        if end >= first:
            total += rate * (end - first + 1)
    return total


def _first_day_reaching(segments: list[Segment], need: int) -> int | None:
    """Ordinal of the first day by which the running FTE total reaches `need`, or None."""
    total = Fraction(0)
    for first, last, rate in segments:
        gained = None if last is None else rate * (last - first + 1)
        if gained is None or total + gained >= need:
            return first + math.ceil((need - total) / rate) - 1
        total += gained
    return None  # no open HIM spell carries the total any further
