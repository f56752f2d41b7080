"""Dates as every page writes them (the `nydate` filter uses the same formats)."""

DATE_FORMAT = "M j, Y"  # Jan 7, 2027
DATETIME_FORMAT = "M j, Y, g:i A"  # Jan 7, 2027, 3:05 PM
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "M Y"
TIME_FORMAT = "g:i A"
# What the date inputs accept and show: ISO first (the browser's <input type="date">).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%b %d %Y", "%b %d, %Y"]
