"""The positions list and a position's page. Thin: selectors read."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from candidates.dates import today_in_new_york
from classification import selectors
from classification.filters import PositionFilter
from classification.models import (
    PositionTitleChange,
)
from classification.tables import PositionTable
from common.exports import export_response
from facilities import permissions

from .queue import PAGINATE


class PositionListView(View):
    def get(self, request):
        qs = selectors.positions_visible_to(request.user)
        filterset = PositionFilter(request.GET, queryset=qs, user=request.user)
        rows = filterset.qs
        export = request.GET.get("_export")
        if export in ("csv", "xlsx"):
            headers = [
                _("Item"),
                _("Facility"),
                _("Agency"),
                _("Title"),
                _("Grade"),
                _("Incumbent"),
                _("Reports to"),
                _("Active"),
            ]
            data = (
                [
                    p.item_number,
                    p.facility.name,
                    p.facility.agency.code,
                    p.title.name,
                    p.title.grade,
                    str(p.incumbent or ""),
                    p.reports_to.item_number if p.reports_to else "",
                    _("yes") if p.active else _("no"),
                ]
                for p in rows.iterator(chunk_size=2000)
            )
            return export_response(export, "positions", headers, data)
        table = PositionTable(rows)
        RequestConfig(request, paginate=PAGINATE).configure(table)
        return render(
            request, "classification/position_list.html", {"table": table, "filter": filterset}
        )


class PositionDetailView(View):
    def get(self, request, pk):
        position = get_object_or_404(selectors.positions_visible_to(request.user), pk=pk)
        today = today_in_new_york()
        requests_qs = selectors.reclassifications_visible_to(request.user).filter(position=position)
        pending_change = selectors.pending_title_change(position, today)
        return render(
            request,
            "classification/position_detail.html",
            {
                "position": position,
                # The title in effect today, from the history (right also before the daily
                # run has stored it), and the change still to come.
                "title": selectors.title_in_effect(position, today),
                "pending_change": pending_change,
                "today": today,
                "history": PositionTitleChange.objects.filter(position=position).select_related(
                    "from_title", "to_title", "changed_by", "reclassification"
                ),
                "reclassifications": requests_qs,
                "direct_reports": position.direct_reports.select_related("title", "incumbent"),
                # A pending change takes effect before a new request can start (services).
                "can_request": (
                    permissions.is_agency_hr(request.user) or permissions.is_employee(request.user)
                )
                and position.active
                and pending_change is None,
            },
        )
