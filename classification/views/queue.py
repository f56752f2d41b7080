"""The list of requests (the queue, with its tabs and saved filters). Thin: selectors read."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_filters.constants import EMPTY_VALUES
from django_tables2 import RequestConfig

from classification import selectors, workflow
from classification.filters import ReclassificationFilter
from classification.tables import ReclassificationTable
from common.exports import export_response
from common.paging import keys_first
from facilities import permissions
from facilities.tables import BoundedPaginator

PAGE_SIZE = 25


PAGINATE = {"per_page": PAGE_SIZE, "paginator_class": BoundedPaginator}


# What the queue's rows show (templates/tables/requests.html), and no other column: a
# request has some sixty, and its position, facility, agency, titles and analyst more.
LIST_COLUMNS = (
    "status",
    "position__item_number",
    "position__facility__name",
    "position__facility__agency__code",
    "current_title__name",
    "proposed_title__name",
    "recommended_title__name",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__username",
)


class ReclassificationListView(View):
    """The queue: tabs for DCC staff, the agency's own requests for Agency HR."""

    def get(self, request):
        user = request.user
        tabs = selectors.queue_tabs(user)
        tab = request.GET.get("tab") or (tabs[0][0] if tabs else "all")
        if tabs and tab not in dict(tabs):
            tab = "all"
        if tab == "appeals":  # its own page: appeals, with their own states
            return redirect("classification:appeal_list")
        qs = (
            selectors.reclassification_queue(user, tab)
            # Only the joins the table shows: fewer tables, a quicker plan (planning a join
            # of eight tables took longer than running it).
            .select_related(None)
            .select_related(
                "position__facility__agency",
                "current_title",
                "proposed_title",
                "recommended_title",
                "assigned_to",
            )
            .only(*LIST_COLUMNS)
        )
        filterset = ReclassificationFilter(request.GET, queryset=qs, user=user)
        # An employee reads no DCC staff's names (docs/decisions/0015-employee-requests.md).
        names_shown = not permissions.is_employee(user)
        rows = filterset.qs
        export = request.GET.get("_export")
        if export in ("csv", "xlsx"):
            return self.export(export, rows, names_shown=names_shown)
        # The work tabs (a few thousand requests at most) open on the longest-running first;
        # the whole archive opens newest first, which the primary key serves from its index
        # (sorting 100,000 requests by a turnaround computed for today cannot use one).
        table = ReclassificationTable(
            keys_first(rows),
            order_by=("-id",) if tab == "all" else None,
            exclude=() if names_shown else ("assignee",),
        )
        counts = selectors.tab_counts(user)
        paginate = PAGINATE
        if tab in TABS_COUNTED_AS_SHOWN and tab in counts and _unfiltered(filterset):
            # The tab's badge already counted these rows: at 100,000 requests the archive's
            # own COUNT(*) took another 8-12 ms.
            paginate = {**PAGINATE, "count": counts[tab]}
        RequestConfig(request, paginate=paginate).configure(table)
        return render(
            request,
            "classification/reclassification_list.html",
            {
                "table": table,
                "filter": filterset,
                "tabs": tabs,
                "tab": tab,
                "tab_counts": counts,
                "can_create": permissions.is_agency_hr(user) or permissions.is_employee(user),
                "target_days": settings.HIM_TURNAROUND_TARGET_DAYS,
                "saved_filters": selectors.saved_filters_for(user),
                "current_query": _current_query(request),
                "can_reassign": permissions.is_supervisor(user),
            },
        )

    def export(self, fmt, rows, *, names_shown: bool = True):
        headers = [
            _("No."),
            _("Item"),
            _("Facility"),
            _("Agency"),
            _("Current title"),
            _("Proposed title"),
            _("Approved title"),
            _("Status"),
            _("Assignee"),
            _("Days open"),
            _("Overdue"),
        ]
        # Plain tuples, not model instances: the whole archive (100,000 rows) streams in
        # about half the time.
        columns = (
            "pk",
            "position__item_number",
            "position__facility__name",
            "position__facility__agency__code",
            "current_title__name",
            "proposed_title__name",
            "recommended_title__name",
            "status",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "assigned_to__username",
            "open_for",
            "is_overdue",
        )
        yes = _("yes")
        data = (
            [
                pk,
                item,
                facility,
                agency,
                current,
                proposed,
                # What approval applied: the recommended title, else the proposed one (the
                # request's `approved_title`, from plain columns).
                (recommended or proposed) if status == workflow.APPROVED else "",
                str(workflow.STATUS_LABELS.get(status, status)),
                _user_label(first, last, username),
                open_for.days if open_for is not None else "",
                yes if overdue else "",
            ]
            for (
                pk,
                item,
                facility,
                agency,
                current,
                proposed,
                recommended,
                status,
                first,
                last,
                username,
                open_for,
                overdue,
            ) in rows.order_by("pk").values_list(*columns).iterator(chunk_size=2000)
        )
        if not names_shown:
            assignee = headers.index(_("Assignee"))
            headers.pop(assignee)
            data = (row[:assignee] + row[assignee + 1 :] for row in data)
        return export_response(fmt, "reclassification-requests", headers, data)


# Tabs whose badge (selectors.tab_counts) counts exactly the rows the queue lists for them
# (not "mine": its badge counts open statuses, drafts included; the queue leaves drafts out).
TABS_COUNTED_AS_SHOWN = ("unassigned", "awaiting", "all")


def _unfiltered(filterset) -> bool:
    """No filter narrows the rows (sorting and paging don't)."""
    form = filterset.form
    return form.is_valid() and all(v in EMPTY_VALUES for v in form.cleaned_data.values())


def _current_query(request) -> str:
    query = request.GET.copy()
    for key in ("page", "_export"):
        query.pop(key, None)
    return query.urlencode()


def _user_label(first: str | None, last: str | None, username: str | None) -> str:
    """What str(user) shows (the full name, else the user name), from plain columns."""
    if username is None:
        return ""
    return f"{first} {last}".strip() or username
