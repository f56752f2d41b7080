"""axe-core (vendored: tests/browser/vendor, scripts/vendor_axe.py) run on a Playwright page.

The script is evaluated through the browser's debugging protocol, which the site's Content
Security Policy does not govern, so pages are checked with their real policy in force.
"""

from functools import cache
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@cache
def _source() -> str:
    return AXE.read_text()


def _target(selectors: list) -> str:
    """axe's selector for a node; a node inside a component's shadow root is a list of the
    selectors down to it (host first)."""
    return " ".join(" >> ".join(s) if isinstance(s, list) else s for s in selectors)


def violations(page, impacts: tuple[str, ...] | None = None) -> list[str]:
    """The violations axe finds on the page, with up to five of their nodes: of any impact, or
    only of the given impacts (for pages the site does not draw, such as a provider's)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}; "
        + "; ".join(_target(n["target"]) for n in v["nodes"][:5])
        + (f" (+{len(v['nodes']) - 5} more)" if len(v["nodes"]) > 5 else "")
        for v in results["violations"]
        if impacts is None or v["impact"] in impacts
    ]
