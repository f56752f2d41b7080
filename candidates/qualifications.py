"""Minimum qualifications (9/2021): does a person meet a title, as of a date, and why.

Pure rules, no Django. `evaluate` tries every path the standard offers for the title with
every credential that could serve it, and answers "qualified", "unverified" (meets the rule on
paper, but the AHIMA primary-source verification is missing or stale) or "not_qualified".
`first_qualifying_date` projects the open experience spells forward to the first date the
title is met on paper. Experience is counted in FTE days (Interpretation fte-days) by a sweep
over spell boundaries with exact Fractions, so a page can evaluate many people cheaply.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    CLAUSES,
    MQ_CLAUSE_FOR_TITLE,
    STANDARD_ID,
    TECHNICIAN_1,
    TECHNICIAN_2,
    title_for,
)

__all__ = [
    "CREDENTIAL_KINDS",
    "CREDENTIAL_STATUSES",
    "FULL_TIME_HOURS",
    "REQUIREMENTS",
    "Attempt",
    "Credential",
    "Evaluation",
    "Experience",
    "Projection",
    "Requirement",
    "evaluate",
    "first_qualifying_date",
    "fte_days",
]

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


# --- FTE arithmetic: piecewise-constant daily rates between spell boundaries ------------------

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


# --- The requirements ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Requirement:
    """One path to a title: the credential it asks for and the FTE days after its window start."""

    credential: Family
    days_needed: int
    window: Literal["award", "degree"]  # experience counts from the award or degree date


REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    TECHNICIAN_1: (Requirement("RHIT", 0, "award"),),
    TECHNICIAN_2: (Requirement("RHIT", 365, "award"),),
    # Interpretations rhit-names and admin1-experience: RHIA alone, or RHIT + 2 years
    # after the college degree.
    ADMINISTRATOR_1: (Requirement("RHIA", 0, "award"), Requirement("RHIT", 730, "degree")),
    ADMINISTRATOR_2: (Requirement("RHIA", 365, "award"),),
    ADMINISTRATOR_3: (Requirement("RHIA", 730, "award"),),
}


@dataclass(frozen=True, slots=True)
class Attempt:
    """One path tried with one credential (or with none, when the person holds none)."""

    path: Family
    credential: Credential | None
    outcome: Outcome
    current: bool
    verified: bool
    window_start: date | None
    fte_days: Fraction | None  # None when the path needs no experience or cannot count it
    days_needed: int
    reasons: tuple[str, ...]
    interpretations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A person against a title as of a date: one outcome and the reasons for it."""

    title_code: str
    as_of: date
    outcome: Outcome
    reasons: tuple[str, ...]
    clauses: tuple[str, ...]
    interpretations: tuple[str, ...]
    path: Family  # the path of the best attempt
    credential: Credential | None  # the credential of the best attempt
    fte_days: Fraction | None
    days_needed: int
    attempts: tuple[Attempt, ...]
    standard: str = STANDARD_ID


@dataclass(frozen=True, slots=True)
class Projection:
    """The first date on or after `as_of` a title is met on paper if open spells continue."""

    title_code: str
    as_of: date
    first_date: date | None
    path: Family | None
    credential: Credential | None
    reasons: tuple[str, ...]
    standard: str = STANDARD_ID


def _fmt(days: Fraction, rounding: str = "floor") -> str:
    # Shown to 1 decimal, rounded so the display never claims a requirement met when it is not.
    tenths = math.floor(days * 10) if rounding == "floor" else math.ceil(days * 10)
    return f"{tenths / 10:,.1f}"


def _check_inputs(
    title_code: str,
    credentials: Iterable[Credential],
    experience: Iterable[Experience],
    degree_date: date | None,
    as_of: date,
    max_age: int,
) -> tuple[tuple[Credential, ...], tuple[Experience, ...]]:
    title_for(title_code)  # ValueError naming the valid codes
    creds, spells = tuple(credentials), tuple(experience)
    if not all(isinstance(c, Credential) for c in creds):
        raise ValueError("credentials must be Credential objects.")
    if not all(isinstance(s, Experience) for s in spells):
        raise ValueError("experience must be Experience objects.")
    _check_date("degree_date", degree_date, optional=True)
    _check_date("as_of", as_of)
    if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0:
        raise ValueError(f"verification_max_age_days must be a whole number >= 0, not {max_age!r}.")
    return creds, spells


def _candidates(
    title_code: str, req: Requirement, creds: tuple[Credential, ...], rhia_for_rhit: bool
) -> list[Credential | None]:
    """Credentials that may serve a path; [None] when there are none (the attempt fails)."""
    # The RHIA-for-RHIT setting applies to the Technician titles only (rhia-not-rhit): for
    # Administrator 1 an RHIA meets the RHIA path outright.
    extra = rhia_for_rhit and title_for(title_code).is_technician
    found: list[Credential | None] = [
        c for c in creds if c.family == req.credential or (extra and c.family == "RHIA")
    ]
    return found or [None]


def _verification(cred: Credential, as_of: date, max_age: int) -> tuple[bool, str]:
    """Verified: an AHIMA check dated on or before `as_of` and at most `max_age` days old."""
    on = as_of.isoformat()
    if cred.verified_on is None:
        return False, "has never been verified with AHIMA (primary source)"
    if cred.verified_on > as_of:
        return False, f"was verified on {cred.verified_on}, after {on}, so not for {on}"
    age = (as_of - cred.verified_on).days
    limit = "within" if age <= max_age else "older than"
    return age <= max_age, (
        f"was verified with AHIMA on {cred.verified_on}, {age} days before {on}, {limit} the "
        f"{max_age} days allowed"
    )


def _attempt(
    req: Requirement,
    cred: Credential | None,
    spells: tuple[Experience, ...],
    degree_date: date | None,
    as_of: date,
    max_age: int,
) -> Attempt:
    """Try one path with one credential, explaining every requirement met or failed."""
    label = f"{req.credential} path"
    interps: list[str] = []
    reasons: list[str] = []
    if req.window == "degree":
        interps += ["rhit-names", "admin1-experience"]
        reasons.append(
            f'{label}: "Registered Health Information Management Technician" in the '
            f"Administrator 1 text is read as RHIT (Interpretation rhit-names); the two years of "
            f"post-college experience attach to this path only and count from the college "
            f"degree (Interpretation admin1-experience)."
        )
    if cred is None:
        former = "ART" if req.credential == "RHIT" else "RRA"
        reasons.append(f"{label}: no {req.credential} (or {former}) credential on record.")
        return Attempt(req.credential, None, "not_qualified", False, False, None, None,
                       req.days_needed, tuple(reasons), tuple(interps))  # fmt: skip
    if cred.kind in ("ART", "RRA"):
        interps.append("rhit-names")
        reasons.append(
            f"{label}: {cred.kind} is AHIMA's former name for {cred.family} and counts as the "
            f"same credential (Interpretation rhit-names)."
        )
    if cred.family != req.credential:
        interps.append("rhia-not-rhit")
        reasons.append(
            f"{label}: the {cred} is accepted for RHIT because the setting that accepts RHIA "
            f"for RHIT is on (Interpretation rhia-not-rhit)."
        )
    current, currency = cred.currency(as_of)
    verified, verification = _verification(cred, as_of, max_age)
    reasons.append(f"{label}: the {cred} {currency}; it {verification}.")
    met, window, counted = True, None, None
    if req.days_needed:
        interps.append("fte-days")
        years = "one year" if req.days_needed == 365 else "two years"
        window = cred.awarded_on if req.window == "award" else degree_date
        since = f"award of the {cred.kind}" if req.window == "award" else "college degree"
        cite = "s fte-days and admin1-experience" if req.window == "degree" else " fte-days"
        if window is None:
            met = False
            reasons.append(
                f"{label}: no college degree date is recorded, so the {years} of post-college "
                f"experience cannot be counted (Interpretation admin1-experience)."
            )
        else:
            counted = fte_days(spells, window_start=window, as_of=as_of)
            met = counted >= req.days_needed
            verdict = "met" if met else f"short by {_fmt(req.days_needed - counted, 'ceil')}"
            reasons.append(
                f"{label}: HIM experience from {window} ({since}) to {as_of}: {_fmt(counted)} "
                f"FTE days of the {req.days_needed} needed for {years}, {verdict} "
                f"(Interpretation{cite})."
            )
    outcome: Outcome = "not_qualified"
    if current and met:
        outcome = "qualified" if verified else "unverified"
    return Attempt(req.credential, cred, outcome, current, verified, window, counted,
                   req.days_needed, tuple(reasons), tuple(dict.fromkeys(interps)))  # fmt: skip


def evaluate(
    title_code: str,
    *,
    credentials: Iterable[Credential],
    experience: Iterable[Experience],
    degree_date: date | None,
    as_of: date,
    verification_max_age_days: int = 120,
    rhia_satisfies_rhit: bool = False,
) -> Evaluation:
    """Decide whether a person meets `title_code`'s minimum qualifications on `as_of`.

    Every path for the title is tried with every credential that could serve it; the best
    outcome wins (qualified > unverified > not_qualified). Reasons quote the standard, then
    explain each attempt: credential currency, verification, FTE days counted against needed.
    """
    max_age = verification_max_age_days
    creds, spells = _check_inputs(title_code, credentials, experience, degree_date, as_of, max_age)
    title = title_for(title_code)
    anchor = MQ_CLAUSE_FOR_TITLE[title_code]
    attempts = [
        _attempt(req, cred, spells, degree_date, as_of, max_age)
        for req in REQUIREMENTS[title_code]
        for cred in _candidates(title_code, req, creds, rhia_satisfies_rhit)
    ]
    # max() keeps the first of equals, so paths are preferred in the standard's order.
    best = max(attempts, key=lambda t: (_RANK[t.outcome], t.current, t.fte_days or 0))
    reasons = [f'{title.name} requires: "{CLAUSES[anchor].text}" ({CLAUSES[anchor].heading})']
    interps: list[str] = []
    for attempt in attempts:
        reasons.extend(attempt.reasons)
        interps.extend(attempt.interpretations)
    rhias = [c for c in creds if c.family == "RHIA"]
    if title.is_technician and rhias and not rhia_satisfies_rhit:
        interps.append("rhia-not-rhit")
        reasons.append(
            f"The {rhias[0]} does not meet a Technician title: the standard asks for an RHIT, "
            f"and the setting that accepts RHIA for RHIT is off (Interpretation rhia-not-rhit)."
        )
    if best.outcome == "qualified":
        reasons.append(f"Qualified for {title.name} on {as_of} by the {best.path} path.")
    elif best.outcome == "unverified":
        reasons.append(
            f"Unverified: meets {title.name} on paper on {as_of} by the {best.path} path, but "
            f"the credential has no AHIMA verification within {max_age} days on or before "
            f"{as_of}; verify it to qualify."
        )
    else:
        reasons.append(
            f"Not qualified for {title.name} on {as_of}: no path meets every requirement."
        )
    return Evaluation(
        title_code=title_code,
        as_of=as_of,
        outcome=best.outcome,
        reasons=tuple(reasons),
        clauses=(anchor,),
        interpretations=tuple(dict.fromkeys(interps)),
        path=best.path,
        credential=best.credential,
        fte_days=best.fte_days,
        days_needed=best.days_needed,
        attempts=tuple(attempts),
    )


def first_qualifying_date(
    title_code: str,
    *,
    credentials: Iterable[Credential],
    experience: Iterable[Experience],
    degree_date: date | None,
    as_of: date,
    verification_max_age_days: int = 120,
    rhia_satisfies_rhit: bool = False,
) -> Projection:
    """The first date on or after `as_of` the person meets `title_code` on paper.

    Open spells are assumed to continue; closed ones end where they end. "On paper" means a
    current credential and the experience; verification is left out (it is renewed, not
    earned). first_date is None, with reasons, when experience alone cannot get there.
    Bounded: one pass over the spell boundaries per path and credential.
    """
    max_age = verification_max_age_days
    creds, spells = _check_inputs(title_code, credentials, experience, degree_date, as_of, max_age)
    short = title_for(title_code).short_name
    best: tuple[int, Requirement, Credential] | None = None
    why_not: list[str] = []
    for req in REQUIREMENTS[title_code]:
        for cred in _candidates(title_code, req, creds, rhia_satisfies_rhit):
            day, why = _projected_day(req, cred, spells, degree_date, as_of)
            if day is None or cred is None:
                why_not.append(f"{req.credential} path: {why}")
            elif best is None or day < best[0]:
                best = (day, req, cred)
    if best is None:
        why_not.insert(0, f"Cannot meet {short} by experience alone.")
        return Projection(title_code, as_of, None, None, None, tuple(why_not))
    day, req, cred = best
    when = date.fromordinal(day)
    sentence = (
        f"Already meets {short} on paper on {when}"
        if when == as_of
        else f"Meets {short} on {when} if the open spells continue"
    )
    reason = (
        f"{sentence} (by the {req.credential} path with the {cred}); the credential must also "
        f"be verified with AHIMA within {max_age} days before that date."
    )
    return Projection(title_code, as_of, when, req.credential, cred, (reason,))


def _projected_day(
    req: Requirement,
    cred: Credential | None,
    spells: tuple[Experience, ...],
    degree_date: date | None,
    as_of: date,
) -> tuple[int | None, str]:
    """First ordinal >= as_of when one path with one credential is met on paper, or why not."""
    if cred is None:
        return None, f"no {req.credential} credential on record."
    if cred.status != "active":
        return None, f"the {cred} has status {cred.status}; it is not current certification."
    day = max(as_of, cred.awarded_on).toordinal()
    if req.days_needed:
        window = cred.awarded_on if req.window == "award" else degree_date
        if window is None:
            return None, "no college degree date is recorded (Interpretation admin1-experience)."
        reached = _first_day_reaching(_segments(spells, window), req.days_needed)
        if reached is None:
            return None, (
                f"the HIM experience since {window} stops short of the {req.days_needed} FTE "
                f"days needed, and no open HIM spell continues it."
            )
        day = max(day, reached)
    if cred.valid_through is not None and day > cred.valid_through.toordinal():
        return None, f"the {cred} is valid only through {cred.valid_through}, too soon."
    if day > date.max.toordinal():
        return None, "the requirement would be met only after the last date of the calendar."
    return day, ""
