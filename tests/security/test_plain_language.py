"""Plain language: no internal identifier in anything a user reads.

Every page of the access table that a role opens (200, HTML) is rendered as that role from the
two-agency scene, and its visible text (tags, scripts and attribute values left out) must carry
no Interpretation or clause id ("counts-only-ddsoo", "dc-admin-3"), no facility type key, no
hash, no setting ("setting off"), no FTE days, no "— →" (a first event from nothing), no ISO
date and no fiscal year without its end ("SFY 2025" instead of "SFY 2025-26").
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from classification.standard import CLAUSES, FACILITY_TYPES, INTERPRETATIONS

from .matrix import ACCESS, ROLES
from .scene import AGENCIES, user_for

IDS = sorted(
    {*INTERPRETATIONS, *CLAUSES, *(key for key in FACILITY_TYPES if "_" in key)},
    key=len,
    reverse=True,
)
FORBIDDEN = {
    "identifier": re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, IDS)) + r")(?![\w-])"),
    "hash": re.compile(r"SHA-?256|\b[0-9a-f]{40,64}\b", re.IGNORECASE),
    "setting": re.compile(r"\bsetting (?:is )?(?:on|off)\b|\(setting", re.IGNORECASE),
    "FTE days": re.compile(r"\bFTE days?\b"),
    "first event": re.compile(r"—\s*→"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "fiscal year": re.compile(r"\bSFY \d{4}\b(?!-\d{2})"),
}
# The standard page quotes the Interpretation that defines experience in FTE days.
ALLOWED = {("classification:standard", "FTE days")}


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def problems(name: str, page: str) -> list[str]:
    text = visible_text(page)
    found = []
    for label, pattern in FORBIDDEN.items():
        if (name, label) in ALLOWED:
            continue
        for match in pattern.finditer(text):
            found.append(f"{label}: …{text[max(0, match.start() - 50) : match.end() + 30]}…")
    return found


def test_the_check_can_fail():
    """Each pattern catches what the site used to show."""
    for old in [
        "Counts decide only DDSOOs (Interpretation counts-only-ddsoo).",
        "frozen with the request; clauses dc-admin-3.",
        "RHIA is not accepted for RHIT (setting off).",
        "Letter SHA-256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "HIM experience: 3,288.0 / 365 FTE days",
        "— → Draft",
        "evaluated as of 2025-06-01",
        "Counts used: accepted counts of SFY 2025.",
    ]:
        assert problems("x", f"<p>{old}</p>"), old
    assert not problems("x", '<a href="/standard/#interpretation-gap" title="dc-admin-1">Gap</a>')


def _pages():
    for name, cases in sorted(ACCESS.items()):
        for case in cases:
            for role in ROLES:
                if role != "anonymous" and case.get.get(role) == 200:
                    yield name, case, role


@pytest.mark.parametrize("agency", AGENCIES[:1])
def test_no_page_shows_an_internal_identifier(client, scene, agency):
    objects = scene.agencies[agency]
    seen, found = 0, []
    for name, case, role in _pages():
        user = user_for(scene, role, agency)
        client.force_login(user)
        response = client.get(reverse(name, args=case.args(objects)))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        found += [
            f"{name} [{case.label}] as {role}: {p}"
            for p in problems(name, response.content.decode())
        ]
    assert seen > 40  # the pages were really rendered
    assert not found, "\n".join(found)
