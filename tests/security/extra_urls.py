"""The site's URLs plus one page no table knows (for the access matrix's own test)."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as site

extra = (
    [path("reports/unlisted/", lambda request: HttpResponse(), name="unlisted_report")],
    "classification",
)
urlpatterns = [path("x/", include(extra)), *site]
