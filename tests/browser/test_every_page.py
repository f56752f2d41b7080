"""Every page each role can reach, in a real Chromium at 1440 and 390 px: it answers what it
should, axe (tests/browser/vendor, scripts/vendor_axe.py) finds no violation of any impact, and
at 390 px nothing makes the page scroll sideways.

The pages come from the access table (tests/security/matrix.py): every URL and case a role gets
200 from on GET, less the ones that are not pages (NOT_PAGES: files, fragments, health checks);
`test_access_matrix.py` already fails when a URL has no entry, so a new page is tested here as
soon as it is in the table. To those, EXTRA_PAGES adds a request in each state, the forms of the
steps each role takes on them, the employee's own request and position, the admin, and the
403 and 404 pages. The objects are the security tests' two-agency scene (HR is OMH's), made
once for the module; the site runs on a live server thread for the module.

With HIM_SHOTS_DIR set, a full-page screenshot of each case is saved there as
<role>-<page>-<width>.png.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from tests.browser.axe import violations
from tests.security.matrix import ACCESS

pytestmark = pytest.mark.browser

WIDTHS = (1440, 390)
HEIGHT = 900
SHOTS = os.environ.get("HIM_SHOTS_DIR")

# Roles of the site as this test plays them; each maps to the access table's column.
ROLES = {
    "signed-out": "anonymous",
    "hr": "hr",
    "employee": "employee",
    "analyst": "analyst",
    "supervisor": "supervisor",
    "admin": "admin",
    "no-role": None,  # signed in, in no group: the site shows them one page
}

# URL names in the access table that answer something other than a page of the site.
NOT_PAGES = {
    "healthz",
    "ping",
    "logout",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "classification:warranted_fragment",  # an htmx fragment of the new-request form
    "classification:position_search",  # the position picker's htmx fragment
    "classification:attachment_download",
    "classification:decision_letter",  # PDF (scripts/letter_pages.py shows its pages)
    "classification:appeal_packet",  # PDF
    "classification:appeal_attachment",
    "candidates:verification_evidence",
}


@dataclass(frozen=True)
class Page:
    """One page a role opens: its URL given the scene, and the status it must answer."""

    key: str
    url: Callable[[SimpleNamespace], str]
    status: int = 200


def _from_table(name: str, case) -> Callable[[SimpleNamespace], str]:
    return lambda s: reverse(name, args=case.args(s.agencies["OMH"]))


def _table_pages(column: str | None) -> list[Page]:
    if column is None:
        return []
    pages = []
    for name, cases in ACCESS.items():
        if name in NOT_PAGES:
            continue
        for case in cases:
            if case.get[column] == 200:
                key = name.split(":")[-1] + (f"-{case.label}" if case.label else "")
                pages.append(Page(re.sub(r"[^a-z0-9]+", "-", key.lower()), _from_table(name, case)))
    return pages


def _request(state: str) -> Callable[[SimpleNamespace], str]:
    return lambda s: reverse("classification:reclassification_detail", args=[s.states[state].pk])


def _step(state: str, action: str) -> Callable[[SimpleNamespace], str]:
    return lambda s: reverse(
        "classification:reclassification_transition", args=[s.states[state].pk, action]
    )


STATES = [
    "draft",
    "agency_comment",  # filed by an employee (form CC-2E), with the agency for comment
    "submitted",
    "in_review",
    "info_requested",
    "recommended",
    "approved",
    "denied",
    "withdrawn",
]
STATE_PAGES = [Page(f"request-{state.replace('_', '-')}", _request(state)) for state in STATES]
# The denied request whose appeal went to the Civil Service Commission.
STATE_PAGES.append(
    Page(
        "request-appealed",
        lambda s: reverse(
            "classification:reclassification_detail",
            args=[s.agencies["OMH"].appeal.reclassification_id],
        ),
    )
)
# DCC staff do not see an agency's draft, nor an employee's request before the agency's comment.
DCC_STATE_PAGES = [
    p for p in STATE_PAGES if p.key not in {"request-draft", "request-agency-comment"}
]
FORBIDDEN = Page("forbidden", lambda s: reverse("classification:appeal_list"), 403)
NOT_FOUND = Page("not-found", lambda s: "/no-such-page/", 404)

EXTRA_PAGES: dict[str, list[Page]] = {
    "signed-out": [NOT_FOUND],
    "hr": [
        *STATE_PAGES,
        Page("step-respond", _step("info_requested", "respond")),
        Page("step-comment", _step("agency_comment", "comment")),
        FORBIDDEN,
        NOT_FOUND,
    ],
    "employee": [
        Page(
            "request-own",
            lambda s: reverse("classification:reclassification_detail", args=[s.own_request.pk]),
        ),
        Page(
            "position-own",
            lambda s: reverse("classification:position_detail", args=[s.own_request.position_id]),
        ),
        FORBIDDEN,
        NOT_FOUND,
    ],
    "analyst": [
        *DCC_STATE_PAGES,
        Page("step-request-information", _step("in_review", "request_information")),
        Page("step-recommend", _step("in_review", "recommend")),
        Page("step-return-to-queue", _step("in_review", "return_to_queue")),
        Page("forbidden", lambda s: reverse("delegations:delegation_list"), 403),
        # A list of more than one page, for its page links (the scene has a handful of rows).
        Page(
            "facilities-page-2",
            lambda s: reverse("facilities:facility_list") + "?per_page=1&page=2",
        ),
        NOT_FOUND,
    ],
    "supervisor": [
        *DCC_STATE_PAGES,
        Page("step-assign", _step("submitted", "assign")),
        Page("step-approve", _step("recommended", "approve")),
        Page("step-deny", _step("recommended", "deny")),
        Page("step-return-to-analyst", _step("recommended", "return_to_analyst")),
        Page("forbidden", lambda s: reverse("classification:reclassification_create"), 403),
        NOT_FOUND,
    ],
    "admin": [
        Page("admin", lambda s: "/admin/"),
        Page("forbidden", lambda s: reverse("classification:appeal_list"), 403),
        NOT_FOUND,
    ],
    "no-role": [
        Page("no-access", lambda s: reverse("no_access")),
        NOT_FOUND,
    ],
}

PAGES = {role: _table_pages(column) + EXTRA_PAGES[role] for role, column in ROLES.items()}
CASES = [
    pytest.param(role, page, width, id=f"{role}-{page.key}-{width}")
    for role, pages in PAGES.items()
    for page in pages
    for width in WIDTHS
]


def _build() -> SimpleNamespace:
    """The security tests' scene, a request of OMH's in each state, a user with no role."""
    from tests.classification.factories import PositionFactory, reclassification_in
    from tests.factories import UserFactory
    from tests.security.scene import build_scene

    scene = build_scene()
    omh = scene.agencies["OMH"]
    scene.states = {}
    for number, state in enumerate(STATES, start=1):
        position = PositionFactory(facility=omh.facility, item_number=f"STATE-{number}")
        scene.states[state] = reclassification_in(
            state,
            hr=omh.hr,
            position=position,
            assigned=scene.analyst,
            recommender=scene.analyst,
            decider=scene.supervisor,
        )
    scene.no_role = UserFactory(username="no-role-m", first_name="Noel")
    return scene


def _sign_in(scene: SimpleNamespace) -> dict[str, str]:
    """A session for each signed-in role: role → the session cookie's value."""
    from django.conf import settings
    from django.test import Client

    users = {
        "hr": scene.agencies["OMH"].hr,
        "employee": scene.employee,
        "analyst": scene.analyst,
        "supervisor": scene.supervisor,
        "admin": scene.admin,
        "no-role": scene.no_role,
    }
    cookies = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The scene in the test database and a live server on it, for the whole module; the
    database is emptied afterwards (as the owner: tests/conftest.py) for the tests after."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    from classification.titles import ensure_titles
    from facilities.roles import ensure_reference_data

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        # The letter's and appeal record's content are not what these pages show (slow PDFs).
        patch.setattr(
            "classification.services.decisions.render_decision_letter", lambda r: b"%PDF-1.7 "
        )
        patch.setattr("classification.appeal_services.render_appeal_packet", lambda a: b"%PDF-1.7 ")
        ensure_reference_data(apps)
        ensure_titles(apps)
        scene = _build()
        cookies = _sign_in(scene)
        server = LiveServer("localhost:0")
        try:
            yield SimpleNamespace(url=server.url, scene=scene, cookies=cookies)
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            # Playwright's event loop makes Django's connections context-local: close this
            # context's own, which the session's end would not find.
            connections.close_all()


@pytest.fixture(scope="module")
def tabs(site, browser):
    """One browser context (and tab) per role, signed in once, reused by all its cases."""
    from django.conf import settings

    opened: dict[str, Any] = {}

    def tab(role: str):
        if role not in opened:
            context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT})
            if role in site.cookies:
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": site.cookies[role],
                            "url": site.url,
                        }
                    ]
                )
            opened[role] = context.new_page()
        return opened[role]

    yield tab
    for page in opened.values():
        page.context.close()


# Where a sideways scroll starts: elements that reach past the window's right edge with no
# scrolling or clipping box inside the window holding them in (for an absolutely positioned
# element, only boxes from its containing block up do), and whose parent does not; widest first.
OVERFLOWING = """() => {
  const vw = window.innerWidth + 1;
  const clips = (a) => getComputedStyle(a).overflowX !== 'visible' &&
    a.getBoundingClientRect().right <= vw;
  const held = (el) => {
    const position = getComputedStyle(el).position;
    if (position === 'fixed') return true;
    let a = position === 'absolute' ? el.offsetParent : el.parentElement;
    for (; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      if (clips(a)) return true;
    }
    return false;
  };
  const escapes = (el) => el && el !== document.body &&
    el.getBoundingClientRect().right > vw && !held(el);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (escapes(el) && !escapes(el.parentElement)) {
      const r = el.getBoundingClientRect();
      found.push({el: name(el), right: Math.round(r.right), width: Math.round(r.width),
                  text: (el.innerText || '').trim().slice(0, 60)});
    }
  }
  return found.sort((a, b) => b.right - a.right).slice(0, 5);
}"""


@pytest.mark.parametrize(("role", "target", "width"), CASES)
def test_every_page(site, tabs, role, target, width):
    page = tabs(role)
    page.set_viewport_size({"width": width, "height": HEIGHT})
    url = site.url + target.url(site.scene)
    response = page.goto(url)
    assert response is not None
    assert response.status == target.status, f"{url} answered {response.status}"
    assert "text/html" in response.headers.get("content-type", ""), url
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{role}-{target.key}-{width}.png"), full_page=True)
    problems = [f"axe: {v}" for v in violations(page)]
    if width < 768:
        scroll, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll > inner:
            widest = json.dumps(page.evaluate(OVERFLOWING), indent=1)
            problems.append(f"scrolls sideways: {scroll} px wide in {inner} px; {widest}")
    assert not problems, f"{url}\n" + "\n".join(problems)


def test_the_sideways_check_fails_on_a_page_too_wide(site, tabs):
    """The 390 px check can fail: a page with an element wider than the window is caught and
    the element named."""
    page = tabs("signed-out")
    page.set_viewport_size({"width": 390, "height": HEIGHT})
    page.goto(site.url + reverse("login"))
    page.evaluate(
        "() => { const d = document.createElement('div'); d.id = 'too-wide';"
        " d.style.width = '600px'; d.textContent = 'x'; document.body.appendChild(d); }"
    )
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert scroll > inner
    assert page.evaluate(OVERFLOWING)[0]["el"] == "div#too-wide"


def test_axe_finds_a_violation_when_there_is_one(site, tabs):
    """The axe check can fail: an image with no text alternative is reported."""
    page = tabs("signed-out")
    page.goto(site.url + reverse("login"))
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = 'data:,';"
        " document.querySelector('main, body').appendChild(i); }"
    )
    assert any(v.startswith("image-alt") for v in violations(page))


# Each page link's list marker, and the contrast of each link's text on its own background.
PAGE_LINKS = """() => {
  const lum = (c) => {
    const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const back = (el) => {
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  return [...document.querySelectorAll('.pagination li')].map((li) => {
    const link = li.querySelector('.pagination-link') || li;
    const [a, b] = [lum(getComputedStyle(link).color), lum(back(link))];
    return {text: li.innerText.trim(), marker: getComputedStyle(li).listStyleType,
            contrast: Math.round(100 * (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) / 100};
  });
}"""


def test_page_links_are_legible_and_unbulleted(site, tabs):
    """A list's page links: no list bullets beside them, and each one's number, the current
    page's too (white on the theme's blue, also under the pointer), at least 4.5:1 on its
    background. axe passed the current page's blue-on-blue number, and the bullets, when the
    site's link colour won."""
    page = tabs("analyst")
    page.set_viewport_size({"width": 1440, "height": HEIGHT})
    page.goto(site.url + reverse("facilities:facility_list") + "?per_page=1&page=2")
    links = page.evaluate(PAGE_LINKS)
    assert [link["text"] for link in links][:2] == ["Previous", "1"]
    assert {link["marker"] for link in links} == {"none"}
    assert min(link["contrast"] for link in links) >= 4.5, links
    # Pointed at, the current page keeps its colours (a hover background once beat them).
    page.locator(".pagination-current").hover()
    hovered = page.evaluate(PAGE_LINKS)
    assert min(link["contrast"] for link in hovered) >= 4.5, hovered


def test_every_role_has_pages_and_every_table_page_is_covered():
    """Each role opens more than its 404; each NOT_PAGES name is still a URL of the table."""
    assert all(len(pages) > 1 for pages in PAGES.values())
    assert set(ACCESS) >= NOT_PAGES
