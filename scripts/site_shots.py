"""Screenshots of the pages the README and the issue notes show, on the demo data, as each role.

    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py runserver 127.0.0.1:8765 &
    .venv/bin/python scripts/site_shots.py http://127.0.0.1:8765 docs/screenshots

Each page at 1440 and 390 px, named `<who>-<page>-<width>.png`. The demo's objects are found
through the ORM (dev settings), so the script needs the same database as the server. Debian's
Chromium through Playwright, launched as the browser tests launch it (scripts/chromium.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from playwright.sync_api import sync_playwright  # noqa: E402

from candidates.dates import today_in_new_york  # noqa: E402
from classification.models import ReclassificationRequest as Request  # noqa: E402
from scripts.chromium import CHROMIUM, LAUNCH_ARGS  # noqa: E402

WIDTHS = (1440, 390)


def url_of(qs) -> str | None:
    found = qs.order_by("pk").first()
    return found.get_absolute_url() if found else None


def pages() -> dict[str, list[tuple[str, str | None]]]:
    today = today_in_new_york()
    omh = Request.objects.filter(agency__code="OMH")
    return {
        "": [("sign-in", "/accounts/login/")],
        "hr-omh": [
            ("dashboard", "/"),
            ("new-request", "/requests/new/"),
            ("queue", "/requests/"),
            (
                "request-appeal-window",
                url_of(omh.filter(status="denied", appeal__isnull=True)),
            ),
            ("employee-request-awaiting-comment", url_of(omh.filter(status="agency_comment"))),
        ],
        "analyst": [
            ("dashboard", "/"),
            ("queue", "/requests/?tab=all"),
            ("request-analysis", url_of(Request.objects.filter(status="in_review"))),
            ("appeal-decided", url_of(Request.objects.filter(appeal__status="decided"))),
            ("facility", "/facilities/1/"),
            ("person", "/people/1/"),
            ("standard", "/standard/"),
        ],
        "supervisor": [
            ("dashboard", "/"),
            ("delegations", "/delegations/"),
            (
                "request-decided-by-delegate",
                url_of(Request.objects.filter(decided_for__isnull=False)),
            ),
            (
                "request-pending-title",
                url_of(
                    Request.objects.filter(status="approved", decision_effective_date__gt=today)
                ),
            ),
            ("drift", "/reports/drift/"),
        ],
        "employee-omh": [
            ("dashboard", "/"),
            ("own-request", url_of(Request.objects.filter(employee__username="employee-omh"))),
        ],
    }


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    plan = pages()  # before Playwright's event loop starts: Django's ORM refuses one
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for who, shots in plan.items():
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                if who:
                    page.goto(f"{base}/accounts/login/")
                    page.fill("#id_username input", who)
                    page.fill("#id_password input", "demo")
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_load_state()
                for name, path in shots:
                    if path is None:
                        print(f"no demo object for {who} {name}", file=sys.stderr)
                        continue
                    page.goto(base + path)
                    page.wait_for_timeout(300)  # the components' first paint
                    stem = f"{who or 'anonymous'}-{name}-{width}.png"
                    page.screenshot(path=str(out / stem), full_page=True)
                    print(stem)
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]))
