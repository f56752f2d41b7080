"""`evaluate`: every path the standard offers for a title, tried with every credential that could
serve it, and the outcome with the standard's words that produced it. Pure rules, no Django."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
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

from .facts import _RANK, Credential, Experience, Family, Outcome, _check_date, fte_days


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
