"""The record DCC sends the Civil Service Commission on an appeal: one PDF with the request,
DCC's analysis, the decision letter and both histories (the request's and the appeal's),
laid out by WeasyPrint as the letter is. The letter's pages are the letter itself, drawn from
the same record by the same template, joined after the packet's own pages."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from .letters import letter_date, letter_html, long_date
from .models import Appeal


def packet_html(appeal: Appeal) -> str:
    r = appeal.reclassification
    return render_to_string(
        "classification/appeal_packet.html",
        {
            "appeal": appeal,
            "r": r,
            "letter_date": long_date(letter_date(r)),
            "filed_on": long_date(appeal.filed_on),
            "events": r.events.select_related("actor").order_by("at", "pk"),
            "appeal_events": appeal.events.select_related("actor").order_by("at", "pk"),
            "attachments": r.attachments.all(),
            "appeal_attachments": appeal.attachments.all(),
            "prepared_on": long_date(timezone.localdate()),
        },
    )


def render_appeal_packet(appeal: Appeal) -> bytes:
    """The packet as PDF bytes: its own pages, then the decision letter's."""
    from weasyprint import HTML  # heavy import: only when a packet is made

    record = HTML(string=packet_html(appeal)).render()
    letter = HTML(string=letter_html(appeal.reclassification)).render()
    return record.copy([*record.pages, *letter.pages]).write_pdf()
