"""Tables for the queue and the positions list (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Position, ReclassificationRequest


class ReclassificationTable(tables.Table):
    """The queue's headers and sorting; its cells are written in templates/tables/requests.html
    (the outcome a user may read, the status badge, "covering for", days to decision)."""

    # Sorted by a column, then by number: rows that tie keep one order from page to page.
    id = tables.Column(verbose_name=_("No."))
    item = tables.Column(verbose_name=_("Item"), accessor="position__item_number")
    facility = tables.Column(
        verbose_name=_("Facility"), order_by=("position__facility__name", "id")
    )
    agency = tables.Column(
        verbose_name=_("Agency"), order_by=("position__facility__agency__code", "id")
    )
    titles = tables.Column(
        verbose_name=_("Current → new title"), order_by=("proposed_title__rank", "id")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "id"))
    assignee = tables.Column(verbose_name=_("Assignee"), order_by=("assigned_to", "id"))
    # Days open, or for a decided request the days it took to decide (the same count, closed).
    open_for = tables.Column(verbose_name=_("Days"), order_by=("open_for", "id"))
    is_overdue = tables.Column(verbose_name=_("Overdue"), order_by=("is_overdue", "id"))

    class Meta:
        model = ReclassificationRequest
        fields = ()
        sequence = (
            "id",
            "item",
            "facility",
            "agency",
            "titles",
            "status",
            "assignee",
            "open_for",
            "is_overdue",
        )
        order_by = ("-open_for",)
        attrs = {"class": "data-table", "aria-label": _("Requests")}
        empty_text = _("No requests match.")
        template_name = "tables/requests.html"


class PositionTable(tables.Table):
    """The positions' headers and sorting; the cells are in templates/tables/positions.html."""

    item_number = tables.Column(verbose_name=_("Item"))
    facility = tables.Column(verbose_name=_("Facility"), accessor="facility__name")
    agency = tables.Column(verbose_name=_("Agency"), accessor="facility__agency__code")
    title = tables.Column(verbose_name=_("Title"), order_by=("title__rank",))
    grade = tables.Column(verbose_name=_("Grade"), accessor="title__grade")
    incumbent = tables.Column(verbose_name=_("Incumbent"))
    reports_to = tables.Column(verbose_name=_("Reports to"), accessor="reports_to__item_number")
    active = tables.Column(verbose_name=_("Active"))

    class Meta:
        model = Position
        fields = ()
        sequence = (
            "item_number",
            "facility",
            "agency",
            "title",
            "grade",
            "incumbent",
            "reports_to",
            "active",
        )
        attrs = {"class": "data-table", "aria-label": _("Positions")}
        empty_text = _("No positions match.")
        template_name = "tables/positions.html"
