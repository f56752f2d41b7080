"""Geometry for server-drawn horizontal bar charts (SVG, no JavaScript, CSP-safe).

`bar_chart` turns rows of numbers into rectangles; `templates/classification/_bar_chart.html`
draws them with a <title>, a <desc> and the same numbers as a table. Series are coloured by
class (`chart-s0` … `chart-s7` in static/css/site.css, or the caller's `series_classes`, as
the request statuses' colours from classification/status_colours.py), never by inline style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_W = 150  # room for the category labels on the left
VALUE_W = 56  # room for the totals on the right
ROW_H = 26
GAP = 8
TOP = 6


@dataclass(frozen=True)
class Segment:
    series: int
    css_class: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class ChartRow:
    label: str
    values: tuple[int, ...]
    total: int
    segments: tuple[Segment, ...]
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    """One chart: `rows` of categories, `series` names (one per value of each row)."""

    slug: str
    title: str
    description: str
    category: str  # what a row is ("Agency", "Month"): the heading of the numbers' first column
    series: tuple[str, ...]
    rows: tuple[ChartRow, ...]
    stacked: bool
    width: int
    height: int
    label_x: int = LABEL_W - 8
    series_classes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(row.total for row in self.rows)

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(class, name) of each series."""
        return [(_series_class(self.series_classes, i), name) for i, name in enumerate(self.series)]


def _series_class(classes: Sequence[str], i: int) -> str:
    return classes[i] if i < len(classes) else f"chart-s{i}"


def bar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    category: str,
    series: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int]]],
    stacked: bool = True,
    series_classes: Sequence[str] = (),
) -> BarChart:
    """A horizontal bar chart: one bar per row, its series stacked (or side by side)."""
    n_series = max(len(series), 1)
    plot_w = WIDTH - LABEL_W - VALUE_W
    if stacked:
        top_value = max((sum(values) for _label, values in rows), default=0) or 1
    else:
        top_value = max((max(values, default=0) for _label, values in rows), default=0) or 1
    bar_h = ROW_H if stacked else ROW_H / n_series
    chart_rows = []
    y = float(TOP)
    for label, values in rows:
        segments = []
        x = float(LABEL_W)
        for i, value in enumerate(values):
            w = round(plot_w * value / top_value, 1)
            seg_y = y if stacked else round(y + i * bar_h, 1)
            if value:
                segments.append(
                    Segment(
                        series=i,
                        css_class=_series_class(series_classes, i),
                        value=value,
                        x=round(x, 1),
                        y=seg_y,
                        width=max(w, 1.0),
                        height=round(bar_h - (0 if stacked else 1), 1),
                        label=series[i] if i < len(series) else "",
                    )
                )
            if stacked:
                x += w
        total = sum(values)
        end = (
            x
            if stacked
            else LABEL_W + max((round(plot_w * v / top_value, 1) for v in values), default=0)
        )
        chart_rows.append(
            ChartRow(
                label=label,
                values=tuple(values),
                total=total,
                segments=tuple(segments),
                label_y=round(y + ROW_H / 2, 1),
                value_x=round(end + 4, 1),
                value_y=round(y + ROW_H / 2, 1),
            )
        )
        y += ROW_H + GAP
    height = int(y + TOP) if rows else 2 * TOP
    return BarChart(
        slug=slug,
        title=title,
        description=description,
        category=category,
        series=tuple(series),
        rows=tuple(chart_rows),
        stacked=stacked,
        series_classes=tuple(series_classes),
        width=WIDTH,
        height=height,
    )
