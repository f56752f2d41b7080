"""The bounds of an effective date (docs/decisions/0014-effective-dates.md). Pure: dates in,
the problems a clerk can act on out; the forms (for a message beside the field) and the
services (on the locked rows) ask the same function. All dates are New York dates.

- never before the position's latest title change (its history stays in date order);
- an approval not before the request was submitted, unless the supervisor records why the
  change is retroactive (a draft's requested date may be earlier: the supervisor decides);
- never more than a year ahead of today.
"""

from __future__ import annotations

from datetime import date

__all__ = ["effective_date_problems", "latest_allowed", "long_date"]


def long_date(day: date) -> str:
    """ "Jan 7, 2027", the way the pages write a date."""
    return f"{day:%b} {day.day}, {day.year}"


def latest_allowed(today: date) -> date:
    """A year from today (February 29 gives February 28 of the next year)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def effective_date_problems(
    day: date,
    *,
    today: date,
    latest_change_on: date | None,
    submitted_on: date | None = None,
    retroactive_reason: str = "",
) -> tuple[str, ...]:
    """What is wrong with `day` as an effective date (empty when it may be used).

    `latest_change_on`: the effective date of the position's latest title change (None if it
    has no history). `submitted_on`: the request's submission date, given for an approval
    (None for a draft); a date before it needs `retroactive_reason`."""
    problems = []
    if latest_change_on is not None and day < latest_change_on:
        problems.append(
            f"The position's title last changed on {long_date(latest_change_on)}: "
            f"the effective date must be on or after that day."
        )
    elif submitted_on is not None and day < submitted_on and not retroactive_reason.strip():
        problems.append(
            f"{long_date(day)} is before the request was submitted "
            f"({long_date(submitted_on)}). To make the change retroactive, give the reason "
            f"in “Reason for a retroactive date”; otherwise choose "
            f"{long_date(submitted_on)} or later."
        )
    limit = latest_allowed(today)
    if day > limit:
        problems.append(
            f"The effective date can be at most a year ahead: {long_date(limit)} or earlier."
        )
    return tuple(problems)
