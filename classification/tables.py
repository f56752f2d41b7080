"""Tables for the queue and the positions list (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Position, ReclassificationRequest
from .selectors import outcome_title_seen_by
from .status_colours import status_colour
from .workflow import DECIDED_STATUSES as DECIDED


class ReclassificationTable(tables.Table):
    id = tables.Column(verbose_name=_("No."), linkify=True)
    item = tables.Column(
        verbose_name=_("Item"),
        accessor="position__item_number",
        linkify=lambda record: record.get_absolute_url(),
    )
    facility = tables.Column(verbose_name=_("Facility"), accessor="position__facility__name")
    agency = tables.Column(verbose_name=_("Agency"), accessor="position__facility__agency__code")
    titles = tables.Column(
        verbose_name=_("Current → new title"), accessor="proposed_title__rank", empty_values=()
    )
    # The label from `status_label`: the field's own get_status_display() rebuilds its
    # choices (eight lazy translations) for every cell. Sorting is still by the status.
    status = tables.Column(verbose_name=_("Status"), accessor="status_label", order_by=("status",))
    assignee = tables.Column(verbose_name=_("Assignee"), accessor="assigned_to", default="—")
    # Days open, or for a decided request the days it took to decide (the same count, closed).
    open_for = tables.Column(verbose_name=_("Days"), default="—")
    is_overdue = tables.Column(verbose_name=_("Overdue"))

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
        row_attrs = {"class": lambda record: "overdue" if record.is_overdue else ""}
        empty_text = _("No requests match.")

    def render_assignee(self, value, record):
        # "Mine" marks the requests of an analyst the viewer covers for today (a delegation).
        if getattr(record, "covering", False):
            return format_html(
                '{} <nys-badge intent="neutral" label="{}"></nys-badge>',
                value,
                _("covering for %(analyst)s") % {"analyst": value},
            )
        return value

    def render_titles(self, record):
        # The outcome this user may read (the recommended, then approved title; the agency
        # reads its own proposal until the decision), and what was proposed if other.
        request = getattr(self, "request", None)
        outcome = (
            outcome_title_seen_by(request.user, record)
            if request is not None
            else record.proposed_title
        )
        html = format_html(
            "{} → <strong>{}</strong>",
            record.current_title.short_name,
            outcome.short_name,
        )
        if outcome.pk != record.proposed_title_id:
            html += format_html(
                ' <span class="text-small text-muted">({} {})</span>',
                _("proposed"),
                record.proposed_title.short_name,
            )
        return html

    def render_status(self, value, record):
        return format_html(
            '<nys-badge intent="{}" label="{}"></nys-badge>',
            status_colour(record.status).intent,
            value,
        )

    def render_open_for(self, value, record):
        if record.status in DECIDED:
            return _("%(n)s to decision") % {"n": value.days}
        return value.days

    def render_is_overdue(self, value):
        if value:
            return format_html('<nys-badge intent="error" label="{}"></nys-badge>', _("Overdue"))
        return ""


class PositionTable(tables.Table):
    item_number = tables.Column(verbose_name=_("Item"), linkify=True)
    facility = tables.Column(verbose_name=_("Facility"), accessor="facility__name")
    agency = tables.Column(verbose_name=_("Agency"), accessor="facility__agency__code")
    title = tables.Column(verbose_name=_("Title"), order_by=("title__rank",))
    grade = tables.Column(verbose_name=_("Grade"), accessor="title__grade")
    incumbent = tables.Column(verbose_name=_("Incumbent"), default="—")
    reports_to = tables.Column(
        verbose_name=_("Reports to"), accessor="reports_to__item_number", default="—"
    )
    active = tables.BooleanColumn(verbose_name=_("Active"))

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
