"""Dates as New York sees them: the as-of date of an evaluation is a New York date."""

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

NEW_YORK = ZoneInfo("America/New_York")


def today_in_new_york() -> date:
    """Today's date in New York (times are stored in UTC; dates are New York dates)."""
    return timezone.now().astimezone(NEW_YORK).date()
