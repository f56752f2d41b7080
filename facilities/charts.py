"""Geometry for the server-drawn SVG chart of a facility's counts (no JavaScript needed).

Each panel draws one measure per year as bars against the standard's thresholds; the template
turns these numbers into <rect> and <line> elements, and a table beside it gives the figures.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from classification.allocation import ACTIVITIES, INDIVIDUALS_HIGH, INDIVIDUALS_LOW

WIDTH = 640
HEIGHT = 220
LEFT = 80  # room for the axis labels
RIGHT = 16
TOP = 12
BOTTOM = 36


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    accepted: bool
    label_x: float


@dataclass(frozen=True)
class Threshold:
    y: float
    label: str


@dataclass(frozen=True)
class Panel:
    title: str
    bars: tuple[Bar, ...]
    thresholds: tuple[Threshold, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM
    label_y: int = HEIGHT - BOTTOM + 18


def _panel(
    title: str, points: Sequence[tuple[str, int, bool]], thresholds: Sequence[tuple[int, str]]
) -> Panel:
    top_value = max([v for _, v, _ in points] + [t for t, _ in thresholds]) * 1.15 or 1
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(points), 1)
    bar_w = min(48.0, slot * 0.6)

    def y_of(value: int) -> float:
        return round(TOP + plot_h * (1 - value / top_value), 1)

    bars = tuple(
        Bar(
            x=round(LEFT + slot * i + (slot - bar_w) / 2, 1),
            y=y_of(value),
            width=round(bar_w, 1),
            height=round(HEIGHT - BOTTOM - y_of(value), 1),
            label=label,
            value=value,
            accepted=accepted,
            label_x=round(LEFT + slot * i + slot / 2, 1),
        )
        for i, (label, value, accepted) in enumerate(points)
    )
    lines = tuple(Threshold(y=y_of(value), label=text) for value, text in thresholds)
    return Panel(title=title, bars=bars, thresholds=lines)


def count_panels(rows: Sequence[tuple[str, int, int, bool]]) -> tuple[Panel, Panel]:
    """Two panels from (year label, individuals, activities, accepted), oldest year first."""
    individuals = _panel(
        "individuals",
        [(label, i, ok) for label, i, _a, ok in rows],
        [(INDIVIDUALS_LOW, f"{INDIVIDUALS_LOW:,}"), (INDIVIDUALS_HIGH, f"{INDIVIDUALS_HIGH:,}")],
    )
    activities = _panel(
        "activities",
        [(label, a, ok) for label, _i, a, ok in rows],
        [(ACTIVITIES, f"{ACTIVITIES:,}")],
    )
    return individuals, activities
