"""The decision letter: an HTML template rendered to PDF with WeasyPrint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    CLAUSES,
    TECHNICIAN_1,
    TECHNICIAN_2,
)

TITLE_CLAUSES = {
    TECHNICIAN_1: "dc-tech-1",
    TECHNICIAN_2: "dc-tech-2",
    ADMINISTRATOR_1: "dc-admin-1",
    ADMINISTRATOR_2: "dc-admin-2",
    ADMINISTRATOR_3: "dc-admin-3",
}

if TYPE_CHECKING:
    from .models import ReclassificationRequest


def letter_html(reclassification: ReclassificationRequest) -> str:
    """The letter as HTML: position, facility, titles and grades, effective date, and the
    standard's clauses and counts year the decision rests on."""
    # The clause describing the title decided on, then those behind the facility's level.
    decided = reclassification.recommended_title or reclassification.proposed_title
    anchors = [TITLE_CLAUSES.get(decided.code), *reclassification.determination_clauses]
    clauses = [
        {"anchor": a, "heading": CLAUSES[a].heading, "text": CLAUSES[a].text}
        for a in dict.fromkeys(anchors)
        if a in CLAUSES
    ]
    return render_to_string(
        "classification/decision_letter.html",
        {
            "r": reclassification,
            "position": reclassification.position,
            "facility": reclassification.position.facility,
            "clauses": clauses,
            "today": timezone.localdate(),
        },
    )


def render_decision_letter(reclassification: ReclassificationRequest) -> bytes:
    """The decision letter as PDF bytes (WeasyPrint)."""
    from weasyprint import HTML  # heavy import: only when a letter is made

    return HTML(string=letter_html(reclassification)).write_pdf()
