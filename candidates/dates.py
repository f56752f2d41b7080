"""Dates as New York sees them: the as-of date of an evaluation is a New York date.

Also the one rule for a date a person types into a person's, credential's, verification's or
experience spell's record (`date_problems`): models call it from `clean()`, so the forms, the
admin and the services all refuse the same dates with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from common.templatetags.formats import nydate

NEW_YORK = ZoneInfo("America/New_York")

# No record this site keeps begins before this day; a date before it is a typing slip
# (a year typed as "1" or "19"), and counted from it an experience spell runs for centuries.
EARLIEST = date(1900, 1, 1)


def today_in_new_york() -> date:
    """Today's date in New York (times are stored in UTC; dates are New York dates)."""
    return timezone.now().astimezone(NEW_YORK).date()


@dataclass(frozen=True)
class EnteredDate:
    """How one typed date is bounded: never before EARLIEST and, when it records something
    that has already happened (`past`), never after today. `name` and `enter` make the
    message ("The start date must be on or after Jan 1, 1900. Enter the day the job began,
    with its full four-digit year.")."""

    name: str | Promise
    enter: str | Promise
    past: bool = True


def date_problem(value: object, rule: EnteredDate, *, today: date | None = None) -> str | None:
    """What is wrong with `value` under `rule`, as a person can act on it, or None."""
    if not isinstance(value, date):
        return None  # empty, or not a date at all: the field's own check says so
    if value < EARLIEST:
        return _(
            "%(name)s must be on or after %(earliest)s. Enter %(enter)s, with its full "
            "four-digit year."
        ) % {"name": rule.name, "earliest": nydate(EARLIEST), "enter": rule.enter}
    if rule.past and value > (today or today_in_new_york()):
        return _("%(name)s cannot be in the future. Enter %(enter)s: today or earlier.") % {
            "name": rule.name,
            "enter": rule.enter,
        }
    return None


def date_problems(
    rules: Mapping[str, EnteredDate], values: Mapping[str, Any]
) -> dict[str, str | Promise]:
    """Field name → message for each date in `values` (a model's `vars()`, a form's
    cleaned data) that breaks its rule."""
    today = today_in_new_york()
    problems = {f: date_problem(values.get(f), rule, today=today) for f, rule in rules.items()}
    return {f: message for f, message in problems.items() if message}
