"""Plain-language filters: how every page writes dates, fiscal years, experience and reasons.

Registered as template builtins (config/settings/base.py), so every template uses the same
words without loading anything:

- `{{ value|nydate }}`: one date format everywhere ("Jan 7, 2027"); a date-time is shown in
  New York time with the time after the date ("Jan 7, 2027, 3:05 PM").
- `{{ year|sfy }}`: one fiscal-year label ("SFY 2025-26") for an SFY start year.
- `{{ days|years_months }}`: full-time-equivalent days of experience as "9 years 0 months".
- `{{ reason|plain }}`: a rule's reason as a person reads it. The pure rules keep citing
  Interpretations by id (the public rules API and the audit record rely on it); the page
  shows each by its readable title, linked to its text on the standard page, writes ISO
  dates in the one date format, experience in years and months, and the RHIA-for-RHIT
  setting as the Division's policy rather than a switch.
"""

from __future__ import annotations

import math
import re
from datetime import date
from fractions import Fraction
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from classification.selectors import outcome_title_seen_by
from classification.standard import CLAUSES, INTERPRETATION_TITLES
from classification.status_colours import status_colour
from common.templatetags.formats import DAYS_PER_YEAR, _years_months, nydate

register = template.Library()


def _short_by(days: Fraction) -> str:
    if days >= DAYS_PER_YEAR / 12:
        return _years_months(days)
    n = math.ceil(days)
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def interpretation_link(key: str, *, first: bool = False) -> SafeString:
    """An Interpretation by its readable title, linked to its text on the standard page."""
    title = INTERPRETATION_TITLES.get(key, key)
    words = (
        _("The Division's reading “%(title)s”")
        if first
        else _("the Division's reading “%(title)s”")
    )
    return format_html(
        '<a href="{}#interpretation-{}">{}</a>',
        reverse("classification:standard"),
        key,
        words % {"title": title},
    )


_KEYS = "|".join(sorted(map(re.escape, INTERPRETATION_TITLES), key=len, reverse=True))
# "Interpretation gap", "Interpretations fte-days and admin1-experience"
_INTERPRETATION = re.compile(rf"Interpretations? ({_KEYS})(?: and ({_KEYS}))?\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# candidates.qualifications: "516.0 FTE days of the 365 needed for one year, met"
_FTE_COUNTED = re.compile(
    r"([\d,]+(?:\.\d+)?) FTE days of the (\d+) needed for (one year|two years), "
    r"(met|short by ([\d,]+(?:\.\d+)?))"
)
_FTE_NEEDED = re.compile(r"(?:the )?(\d+) FTE days needed")
_SETTINGS = (
    (
        "because the setting that accepts RHIA for RHIT is on",
        "because the Division accepts an RHIA in place of an RHIT",
    ),
    (
        "and the setting that accepts RHIA for RHIT is off",
        "and the Division does not accept an RHIA in place of an RHIT",
    ),
)


def _iso(match: re.Match) -> str:
    return nydate(date(int(match[1]), int(match[2]), int(match[3])))


def _counted(match: re.Match) -> str:
    counted = Fraction(match[1].replace(",", ""))
    needed = _("one year") if match[3] == "one year" else _("two years")
    if match[4] == "met":
        verdict = _("met")
    else:
        verdict = _("short by %(gap)s") % {"gap": _short_by(Fraction(match[5].replace(",", "")))}
    return _("%(counted)s of full-time experience of the %(needed)s needed, %(verdict)s") % {
        "counted": _years_months(counted),
        "needed": needed,
        "verdict": verdict,
    }


def _needed(match: re.Match) -> str:
    days = int(match[1])
    if days == DAYS_PER_YEAR:
        return _("the one year of full-time experience needed")
    if days == 2 * DAYS_PER_YEAR:
        return _("the two years of full-time experience needed")
    return _("the %(time)s of full-time experience needed") % {"time": _years_months(days)}


@register.filter
def plain(reason: str | None) -> SafeString:
    """A rule's reason in plain words (see the module docstring); escaped, then linked."""
    if not reason:
        return mark_safe("")
    text = str(reason)
    for old, new in _SETTINGS:
        text = text.replace(old, new)
    text = _FTE_COUNTED.sub(_counted, text)
    text = _FTE_NEEDED.sub(_needed, text)
    text = _ISO_DATE.sub(_iso, text)
    out: list[str] = []
    last = 0
    for match in _INTERPRETATION.finditer(text):
        out.append(conditional_escape(text[last : match.start()]))
        links = [interpretation_link(match[1], first=match.start() == 0)]
        if match[2]:
            links.append(interpretation_link(match[2]))
        out.append(_(" and ").join(links))
        last = match.end()
    out.append(conditional_escape(text[last:]))
    return mark_safe("".join(out))


@register.filter
def clause(anchor: str) -> SafeString:
    """A clause of the standard by its heading, linked to its words on the standard page."""
    found = CLAUSES.get(anchor)
    if found is None:
        return conditional_escape(anchor)
    return format_html(
        '<a href="{}#{}">{}</a>', reverse("classification:standard"), anchor, found.heading
    )


@register.filter
def interpretation_title(key: str) -> str:
    """An Interpretation's readable title (its id only if it has none)."""
    return INTERPRETATION_TITLES.get(key, key)


@register.filter
def interpretation(key: str) -> SafeString:
    """An Interpretation by its readable title, linked to its text on the standard page."""
    return interpretation_link(key, first=True)


@register.filter
def outcome_for(r, user) -> Any:
    """`{{ r|outcome_for:request.user }}`: the outcome title this user may read
    (selectors.outcome_title_seen_by)."""
    return outcome_title_seen_by(user, r)


@register.filter
def status_intent(status: str) -> str:
    """The NYSDS badge intent of a request status (classification/status_colours.py)."""
    return status_colour(status).intent
