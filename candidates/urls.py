from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("new/", views.PersonCreateView.as_view(), name="person_create"),
    path("reverification/", views.ReverificationView.as_view(), name="reverification"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person_update"),
    path("<int:pk>/print/", views.PersonPrintView.as_view(), name="person_print"),
    path(
        "<int:pk>/credentials/new/", views.CredentialCreateView.as_view(), name="credential_create"
    ),
    path("<int:pk>/experience/new/", views.SpellCreateView.as_view(), name="spell_create"),
    path("credentials/<int:pk>/", views.CredentialUpdateView.as_view(), name="credential_update"),
    path(
        "credentials/<int:pk>/verify/",
        views.VerificationCreateView.as_view(),
        name="verification_create",
    ),
    path("experience/<int:pk>/", views.SpellUpdateView.as_view(), name="spell_update"),
    path("experience/<int:pk>/delete/", views.SpellDeleteView.as_view(), name="spell_delete"),
    path(
        "verifications/<int:pk>/evidence/",
        views.VerificationEvidenceView.as_view(),
        name="verification_evidence",
    ),
]
