"""`first_qualifying_date`: the open experience spells projected forward to the first date the
title is met on paper. Pure rules, no Django."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from classification.standard import (
    STANDARD_ID,
    title_for,
)

from .evaluation import REQUIREMENTS, Requirement, _candidates, _check_inputs
from .facts import Credential, Experience, Family, _first_day_reaching, _segments


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
