"""The decision letter: an HTML template rendered to PDF with WeasyPrint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

from classification.standard import CLAUSES

if TYPE_CHECKING:
    from .models import ReclassificationRequest


def render_decision_letter(reclassification: ReclassificationRequest) -> bytes:
    """The PDF naming position, facility, titles and grades, effective date, and the clauses
    and counts the decision rests on."""
    from weasyprint import HTML  # heavy import: only when a letter is made

    clauses = [
        {"anchor": a, "heading": CLAUSES[a].heading, "text": CLAUSES[a].text}
        for a in reclassification.determination_clauses
        if a in CLAUSES
    ]
    html = render_to_string(
        "classification/decision_letter.html",
        {
            "r": reclassification,
            "position": reclassification.position,
            "facility": reclassification.position.facility,
            "clauses": clauses,
            "today": timezone.localdate(),
        },
    )
    return HTML(string=html).write_pdf()
