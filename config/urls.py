from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from classification.urls import facility_pages
from classification.views.facilities import DashboardView
from config.views import ping
from facilities import urls as facility_urls
from facilities.oidc import AuthenticateView, CallbackView
from facilities.views import (
    AdminLoginRedirectView,
    NoAccessView,
    SignInView,
    SignOutView,
    healthz,
)

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("bench/ping", ping, name="ping"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/no-access/", NoAccessView.as_view(), name="no_access"),
    # Sign-in with NY.gov ID (facilities/oidc.py): the provider sends the browser back to the
    # callback, the redirect URI registered with it (docs/operations.md).
    path(
        "oidc/authenticate/",
        login_not_required(AuthenticateView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    # The admin signs in through the site's own sign-in page (lockout, styling, one door).
    path("admin/login/", AdminLoginRedirectView.as_view()),
    path("admin/", admin.site.urls),
    path("facilities/", include((facility_pages + facility_urls.urlpatterns, "facilities"))),
    path("", include("classification.urls")),
    path("people/", include("candidates.urls")),
]

admin.site.site_header = "HIM Classification administration"
admin.site.site_title = "HIM Classification"
