"""One colour for each request status, used by the status badges and the charts alike.

`intent` is the NYSDS badge's (neutral, success, warning, error); `chart` the class that fills
the status's bars (static/css/site.css, on NYSDS's colour tokens). The same meaning takes the
same hue in both: approved is green, denied red, waiting on the agency orange.
"""

from __future__ import annotations

from dataclasses import dataclass

from classification import workflow


@dataclass(frozen=True)
class StatusColour:
    intent: str
    chart: str


NEUTRAL = StatusColour("neutral", "chart-neutral")

STATUS_COLOURS: dict[str, StatusColour] = {
    workflow.DRAFT: NEUTRAL,
    workflow.AGENCY_COMMENT: StatusColour("warning", "chart-warning"),
    workflow.SUBMITTED: StatusColour("neutral", "chart-blue"),
    workflow.IN_REVIEW: StatusColour("neutral", "chart-teal"),
    workflow.INFO_REQUESTED: StatusColour("warning", "chart-gold"),
    workflow.RECOMMENDED: StatusColour("neutral", "chart-purple"),
    workflow.APPROVED: StatusColour("success", "chart-success"),
    workflow.DENIED: StatusColour("error", "chart-error"),
    workflow.WITHDRAWN: NEUTRAL,
}


def status_colour(status: str) -> StatusColour:
    return STATUS_COLOURS.get(status, NEUTRAL)
