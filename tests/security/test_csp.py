"""Content-Security-Policy without 'unsafe-inline': no inline script, handler or style anywhere.

Two nets: a scan of the project's templates (fails on the line to fix), and every page the
access matrix lets a role open, rendered as that role (catches what third-party templates such
as django-tables2 or crispy-forms emit), with its CSP header checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from .matrix import ACCESS, ROLES
from .scene import user_for

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Rendered to PDF by WeasyPrint, never served to a browser: its <style> is not under the CSP.
NOT_SERVED = {"classification/decision_letter.html", "classification/appeal_packet.html"}

INLINE = {
    "inline <script> (put it in static/js/<app>.js)": re.compile(
        r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE
    ),
    "inline event handler (bind it in static/js/<app>.js)": re.compile(
        r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE
    ),
    'style="" attribute (use a class in static/css/site.css)': re.compile(
        r"<[^>]+\sstyle\s*=", re.IGNORECASE
    ),
    "<style> element (use static/css/site.css)": re.compile(r"<style\b", re.IGNORECASE),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}


def inline_code(text: str) -> list[str]:
    """What in `text` a CSP without 'unsafe-inline' would block, one line per finding."""
    found = []
    for what, pattern in INLINE.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {what}: {match.group(0)[:80]}")
    return found


def test_the_scanner_finds_each_kind():
    page = (
        '<script>alert(1)</script><button onclick="x()">'
        '<p style="color:red"><style>p{}</style><a href="javascript:x()">'
    )
    assert len(inline_code(page)) == 5
    assert inline_code('<script src="/static/js/site.js" defer></script>') == []


def test_no_template_has_inline_code():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in NOT_SERVED:
            continue
        problems += [f"templates/{name} {f}" for f in inline_code(path.read_text())]
    assert not problems, "\n".join(problems)


def test_the_policy_forbids_inline_code():
    policy = settings.SECURE_CSP
    for directive in ("default-src", "script-src", "style-src"):
        values = [str(v) for v in policy.get(directive, [])]
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, directive
    assert "script-src" in policy and "style-src" in policy


def _pages(role: str, objects) -> list[str]:
    urls = []
    for name, cases in ACCESS.items():
        for case in cases:
            if case.get[role] == 200:
                urls.append(reverse(name, args=case.args(objects)))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_page_each_role_opens_has_a_strict_policy(client, scene, role):
    user = user_for(scene, role, "OMH")
    if user is not None:
        client.force_login(user)
    problems = []
    checked = 0
    for url in _pages(role, scene.agencies["OMH"]):
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue  # files, exports and /healthz: no document to run code in
        checked += 1
        policy = response.get("Content-Security-Policy", "")
        if not policy or "unsafe-inline" in policy or "unsafe-eval" in policy:
            problems.append(f"{url}: Content-Security-Policy {policy!r}")
        problems += [f"{url} {f}" for f in inline_code(response.content.decode())]
    assert checked, "no HTML page was checked"
    assert not problems, "\n".join(problems)


def test_the_admin_runs_no_inline_code(client, scene):
    client.force_login(scene.admin)
    facility = scene.agencies["OMH"].facility
    for url in [
        "/admin/",
        "/admin/facilities/facility/",
        f"/admin/facilities/facility/{facility.pk}/change/",
        "/admin/facilities/user/add/",
        "/admin/classification/reclassificationevent/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert inline_code(response.content.decode()) == [], url
