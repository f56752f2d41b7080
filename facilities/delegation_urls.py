from django.urls import path

from . import views

app_name = "delegations"

urlpatterns = [
    path("", views.DelegationListView.as_view(), name="delegation_list"),
    path("new/", views.DelegationCreateView.as_view(), name="delegation_create"),
    path("<int:pk>/", views.DelegationUpdateView.as_view(), name="delegation_update"),
    path("<int:pk>/end/", views.DelegationEndView.as_view(), name="delegation_end"),
]
