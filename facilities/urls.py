from django.urls import path

from . import views

app_name = "facilities"

# The list and a facility's page show positions too: classification composes them and
# config/urls.py serves them under this namespace (classification.urls.facility_pages).
urlpatterns = [
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<uuid:token>/", views.ImportPreviewView.as_view(), name="import_preview"),
    path("<int:pk>/counts/new/", views.CountsFormView.as_view(), name="counts_new"),
    path("<int:pk>/counts/<int:year>/edit/", views.CountsFormView.as_view(), name="counts_edit"),
    path(
        "<int:pk>/counts/<int:year>/review/", views.CountsReviewView.as_view(), name="counts_review"
    ),
]
