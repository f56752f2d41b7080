"""The one way to write dates, fiscal years and lengths of experience (template builtins, so
every template has them without `{% load %}`; settings TEMPLATES "builtins"):

- `{{ value|nydate }}`: "Jan 7, 2027"; a date-time in New York time, its time after the date.
- `{{ year|sfy }}`: "SFY 2025-26".
- `{{ days|years_months }}`: full-time days as "9 years 0 months"; `in_years` for requirements.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from fractions import Fraction

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

register = template.Library()

DATE = "M j, Y"  # Jan 7, 2027
TIME = "g:i A"  # 3:05 PM
DAYS_PER_YEAR = 365  # DOMAIN.md: 1 year = 365 FTE days


@register.filter
def nydate(value: date | datetime | None) -> str:
    """The one date format; a date-time in New York time, its time after the date."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{date_format(value, DATE)}, {date_format(value, TIME)}"
    if isinstance(value, date):
        return date_format(value, DATE)
    return str(value)


@register.filter
def sfy(year: int | None) -> str:
    """The fiscal-year label for an SFY start year: 2025 -> "SFY 2025-26"."""
    if year is None or year == "":
        return ""
    year = int(year)
    return f"SFY {year}-{(year + 1) % 100:02d}"


def _years_months(days: Fraction | int) -> str:
    whole_years = math.floor(days / DAYS_PER_YEAR)
    # A month is a twelfth of a year of full-time days; rounded down, never claiming more.
    months = math.floor((days - whole_years * DAYS_PER_YEAR) * 12 / DAYS_PER_YEAR)
    return "{} {}".format(
        ngettext("%(n)s year", "%(n)s years", whole_years) % {"n": whole_years},
        ngettext("%(n)s month", "%(n)s months", months) % {"n": months},
    )


@register.filter
def years_months(days: Fraction | float | int | str | None) -> str:
    """Full-time-equivalent days as whole years and months: 3,288 -> "9 years 0 months"."""
    if days is None or days == "":
        return ""
    return _years_months(Fraction(str(days).replace(",", "")))


@register.filter
def in_years(days: int | None) -> str:
    """A requirement in whole years of full-time days: 365 -> "1 year", 730 -> "2 years"."""
    if not days:
        return ""
    if days % DAYS_PER_YEAR:
        return _years_months(Fraction(days))
    n = days // DAYS_PER_YEAR
    return ngettext("%(n)s year", "%(n)s years", n) % {"n": n}
