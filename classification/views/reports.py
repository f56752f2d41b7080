"""Reports (drift, turnaround, reassignment) and the queue's saved filters. Thin views:
`classification.reports` reads, `classification.services` writes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from classification import reports, services
from classification.allocation import sfy_label
from classification.forms.queue import ReturnAnalystRequestsForm, SavedFilterForm
from classification.models import SavedFilter
from common.errors import Refused
from common.exports import export_response
from facilities import permissions
from facilities.models import Agency

# 50 facilities a page: about 700 bytes of markup each, the page stays under issue 16's 60 KB.
DRIFT_PAGE_SIZE = 50
REASSIGNMENT_PAGE_SIZE = 50


class DriftReportView(View):
    """Facilities whose chief's title or counts need a look, scoped to the user's agency."""

    def get(self, request):
        user = request.user
        if not (permissions.is_dcc_staff(user) or permissions.is_agency_hr(user)):
            raise PermissionDenied
        issue = request.GET.get("issue", "")
        if issue not in reports.ISSUES:
            issue = ""
        rows = reports.drift_report(user, issue=issue)
        year = reports.last_completed_fiscal_year()
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self.export(export, rows, year)
        page = Paginator(rows, DRIFT_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "classification/drift_report.html",
            {
                "rows": page.object_list,
                "page_obj": page,
                "issues": reports.ISSUES.items(),
                "issue": issue,
                "year_label": sfy_label(year),
                "summary": rows.summary,
                "query": f"issue={issue}&" if issue else "",
            },
        )

    def export(self, fmt, rows, year):
        headers = [
            _("Facility"),
            _("Code"),
            _("Agency"),
            _("Type"),
            _("Chief position"),
            _("Chief's title"),
            _("Warranted title"),
            _("Drift"),
            _("On watch"),
            _("Near a threshold"),
            _("No counts for %(year)s") % {"year": sfy_label(year)},
        ]
        data = (
            [
                r.facility.name,
                r.facility.code,
                r.facility.agency.code,
                r.facility.get_facility_type_display(),
                r.facility.chief_item or "",
                r.chief_title,
                r.warranted_title,
                r.drift or "",
                _("yes") if r.on_watch else "",
                "; ".join(d.sentence for d in r.near),
                _("yes") if r.missing_year else "",
            ]
            for r in rows
        )
        return export_response(fmt, "drift-report", headers, data)


DEFAULT_MONTHS = 12
PERIODS = {
    "3": gettext_lazy("Last 3 months"),
    "6": gettext_lazy("Last 6 months"),
    "12": gettext_lazy("Last 12 months"),
    "24": gettext_lazy("Last 24 months"),
    "0": gettext_lazy("All time"),
}


def _dcc_only(user) -> None:
    if not permissions.is_dcc_staff(user):
        raise PermissionDenied


class TurnaroundReportView(View):
    """Median and 90th-percentile days to decision, and time spent in each status (DCC)."""

    def get(self, request):
        user = request.user
        _dcc_only(user)
        agency = request.GET.get("agency", "")
        agencies = list(Agency.objects.values_list("code", flat=True))
        if agency not in agencies:
            agency = ""
        months = request.GET.get("months", str(DEFAULT_MONTHS))
        if months not in PERIODS:
            months = str(DEFAULT_MONTHS)
        since = (
            timezone.localdate() - timedelta(days=int(months) * 365 // 12) if int(months) else None
        )
        groups = [
            (key, heading, column, reports.turnaround_by(user, key, agency=agency, since=since))
            for key, (_field, heading, column) in reports.GROUPINGS.items()
        ]
        statuses = reports.time_in_status(user, agency=agency, since=since)
        appeals = reports.appeal_summary(user, agency=agency, since=since)
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            headers = [_("Grouping"), _("Group"), _("Decided"), _("Median days"), _("90th pct.")]
            data = (
                [
                    [str(column), row.label, row.decided, row.median, row.p90]
                    for _key, _heading, column, rows in groups
                    for row in rows
                ]
                + [
                    [_("Time in status"), s.label, s.spells, s.mean_days, s.total_days]
                    for s in statuses
                ]
                + [[_("Appeals"), a.label, a.appeals, None, None] for a in appeals.rows]
            )
            return export_response(export, "turnaround", headers, data)
        return render(
            request,
            "classification/turnaround_report.html",
            {
                "groups": groups,
                "statuses": statuses,
                "appeals": appeals,
                "agencies": agencies,
                "agency": agency,
                "periods": PERIODS.items(),
                "months": months,
                "since": since,
                "query": f"months={months}&" + (f"agency={agency}&" if agency else ""),
            },
        )


class ReassignmentView(View):
    """Supervisors: open requests assigned to people who can no longer sign in, and the
    one action that returns everything an analyst holds in review to the queue."""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.is_supervisor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        page = Paginator(reports.assigned_to_inactive(request.user), REASSIGNMENT_PAGE_SIZE)
        page = page.get_page(request.GET.get("page"))
        return render(
            request,
            "classification/reassignment.html",
            {
                "rows": page.object_list,
                "page_obj": page,
                "workload": reports.workload(today=timezone.localdate()),
                "target_days": settings.HIM_TURNAROUND_TARGET_DAYS,
            },
        )


class ReturnAnalystRequestsView(View):
    """POST: every request the analyst holds in review goes back to the queue (one action)."""

    def post(self, request, user_pk: int):
        if not permissions.is_supervisor(request.user):
            raise PermissionDenied
        analyst = get_object_or_404(get_user_model(), pk=user_pk)
        form = ReturnAnalystRequestsForm(request.POST)
        if not form.is_valid():
            _flash_errors(request, form)
            return redirect("classification:reassignment")
        try:
            returned = services.return_analyst_reclassifications_to_queue(
                actor=request.user, analyst=analyst, message=form.cleaned_data["message"]
            )
        except (ValidationError, Refused, services.ConflictError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("%(n)s request(s) of %(analyst)s returned to the queue.")
                % {"n": len(returned), "analyst": analyst},
            )
        return redirect("classification:reassignment")


def _flash_errors(request, form) -> None:
    """A POST-only form's errors as messages on the page it returns to, named by field."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


class SavedFilterCreateView(View):
    """POST: save the queue's current filters under a name (the user's own)."""

    def post(self, request):
        form = SavedFilterForm(request.POST)
        queue = reverse("classification:reclassification_list")
        if not form.is_valid():
            _flash_errors(request, form)
            query = form.cleaned_data.get("query", "")  # only when that field itself is sound
            return redirect(f"{queue}?{query}" if query else queue)
        query = form.cleaned_data["query"]
        try:
            saved = services.save_queue_filter(
                user=request.user, name=form.cleaned_data["name"], query=query
            )
        except (ValidationError, Refused) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(f"{queue}?{query}" if query else queue)
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
        return redirect(saved.get_absolute_url())


class SavedFilterDeleteView(View):
    """POST: delete one of the user's saved filters (another user's: 404)."""

    def post(self, request, pk: int):
        try:
            services.delete_saved_filter(user=request.user, saved_filter_id=pk)
        except SavedFilter.DoesNotExist:
            from django.http import Http404

            raise Http404 from None
        messages.success(request, _("Saved filter deleted."))
        return redirect("classification:reclassification_list")
