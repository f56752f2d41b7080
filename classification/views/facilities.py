"""Pages that combine the registry with positions and requests: the home dashboard, the
facility list (with each facility's chief position and drift) and a facility's page (with its
positions). The registry (facilities) knows nothing of positions, so this app composes them."""

from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from classification.reports import dashboard_for
from classification.reports.drift import with_drift
from classification.selectors import chief_position, positions_for_facility
from common.exports import export_response
from facilities import permissions
from facilities import selectors as facility_selectors
from facilities import services as facility_services
from facilities.charts import count_panels
from facilities.filters import FacilityFilter
from facilities.tables import EXPORT_HEADER, BoundedPaginator, FacilityTable, export_rows


class DashboardView(TemplateView):
    """The home page: each role's numbers and charts (classification.reports.dashboard_for)."""

    template_name = "facilities/dashboard.html"

    def get(self, request, *args, **kwargs):
        # The Administrator's work is the Django admin: they land there (DOMAIN.md's People).
        if permissions.is_administrator(request.user):
            return redirect("admin:index")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(board=dashboard_for(self.request.user), **kwargs)


class FacilityListView(SingleTableMixin, FilterView):
    """The registry, scoped to what the user may see, with filters, sorting and export."""

    table_class = FacilityTable
    filterset_class = FacilityFilter
    template_name = "facilities/facility_list.html"
    # The table paginates (and reads ?per_page=); the view must not paginate a second time.
    table_pagination = {"per_page": 25, "paginator_class": BoundedPaginator}

    def get_queryset(self):
        # Drift as a subquery: the count of queries stays constant.
        return with_drift(facility_selectors.facilities_visible_to(self.request.user))

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in {"csv", "xlsx"}:
            filterset = self.get_filterset(self.get_filterset_class())
            rows = filterset.qs if filterset.is_valid() else self.get_queryset().none()
            # The same sort the page shows, every filtered row (no pagination).
            table = FacilityTable(rows, order_by=request.GET.get("sort") or None)
            facilities = [row.record for row in table.rows]
            return export_response(export, "facilities", EXPORT_HEADER, export_rows(facilities))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["can_import"] = permissions.is_analyst(
            self.request.user
        ) or permissions.is_agency_hr(self.request.user)
        return context


class FacilityDetailView(View):
    """One facility: counts by year (table and chart), levels per year, determination, history."""

    template_name = "facilities/facility_detail.html"

    def get(self, request, pk: int):
        # The host of a co-located facility is shown by name: joined, not a query of its own.
        facility = facility_selectors.facility_for_user(
            request.user, pk, select_related=("host_facility",)
        )
        activities = facility_selectors.activities_for_facility(facility)
        chief = chief_position(facility)
        oldest_first = list(reversed(activities))
        individuals, activities_panel = count_panels(
            [
                (
                    a.fiscal_year_label,
                    a.individuals_served,
                    a.records_activities,
                    a.status == "accepted",
                )
                for a in oldest_first
            ]
        )
        years = [
            {
                "level": level,
                "actions": facility_services.allowed_review_actions(request.user, level.activity),
            }
            for level in facility_selectors.year_levels(facility, activities)
        ]
        return render(
            request,
            self.template_name,
            {
                "facility": facility,
                "years": years,
                "determination": facility_selectors.determination_for(facility, activities),
                "panels": (individuals, activities_panel) if activities else (),
                "revisions": facility_selectors.revisions_for_facility(facility)[:200],
                "can_report": facility_services.can_report_counts(request.user, facility),
                "positions": positions_for_facility(request.user, facility),
                "chief": chief,
                "drift": facility_selectors.facility_drift(
                    facility, chief.title.code if chief else None
                ),
            },
        )
