from django.urls import path

from classification import views
from classification.views import facilities as facility_views

app_name = "classification"

urlpatterns = [
    path("standard/", views.StandardView.as_view(), name="standard"),
    path("standard/simulator/", views.SimulatorView.as_view(), name="simulator"),
    path(
        "requests/",
        views.ReclassificationListView.as_view(),
        name="reclassification_list",
    ),
    path(
        "requests/new/", views.ReclassificationCreateView.as_view(), name="reclassification_create"
    ),
    path(
        "requests/new/warranted/", views.WarrantedFragmentView.as_view(), name="warranted_fragment"
    ),
    path("requests/new/positions/", views.PositionSearchView.as_view(), name="position_search"),
    path(
        "requests/<int:pk>/",
        views.ReclassificationDetailView.as_view(),
        name="reclassification_detail",
    ),
    path(
        "requests/<int:pk>/edit/",
        views.ReclassificationUpdateView.as_view(),
        name="reclassification_update",
    ),
    path(
        "requests/<int:pk>/attachments/",
        views.AttachmentCreateView.as_view(),
        name="attachment_create",
    ),
    path(
        "requests/<int:pk>/attachments/<int:attachment_pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path("requests/<int:pk>/letter/", views.DecisionLetterView.as_view(), name="decision_letter"),
    path(
        "requests/<int:pk>/<slug:action>/",
        views.ReclassificationTransitionView.as_view(),
        name="reclassification_transition",
    ),
    path(
        "requests/saved-filters/",
        views.SavedFilterCreateView.as_view(),
        name="saved_filter_create",
    ),
    path(
        "requests/saved-filters/<int:pk>/delete/",
        views.SavedFilterDeleteView.as_view(),
        name="saved_filter_delete",
    ),
    path("reports/drift/", views.DriftReportView.as_view(), name="drift_report"),
    path(
        "reports/turnaround/",
        views.TurnaroundReportView.as_view(),
        name="turnaround_report",
    ),
    path("reports/reassignment/", views.ReassignmentView.as_view(), name="reassignment"),
    path(
        "reports/reassignment/<int:user_pk>/return/",
        views.ReturnAnalystRequestsView.as_view(),
        name="return_analyst_requests",
    ),
    path("positions/", views.PositionListView.as_view(), name="position_list"),
    path(
        "positions/<int:pk>/",
        views.PositionDetailView.as_view(),
        name="position_detail",
    ),
]


# The registry's pages that show positions too, served in the "facilities" namespace beside the
# registry's own pages (config/urls.py).
facility_pages = [
    path("", facility_views.FacilityListView.as_view(), name="facility_list"),
    path("<int:pk>/", facility_views.FacilityDetailView.as_view(), name="facility_detail"),
]
