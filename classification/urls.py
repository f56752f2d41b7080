from django.urls import path

from classification import views

app_name = "classification"

urlpatterns = [
    path("standard/", views.StandardView.as_view(), name="standard"),
    path("standard/simulator/", views.SimulatorView.as_view(), name="simulator"),
]
