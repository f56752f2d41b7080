from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.views import ping
from facilities.forms import SignInForm
from facilities.views import AdminLoginRedirectView, DashboardView, healthz

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("healthz", healthz, name="healthz"),
    path("bench/ping", ping, name="ping"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The admin signs in through the site's own sign-in page (lockout, styling, one door).
    path("admin/login/", AdminLoginRedirectView.as_view()),
    path("admin/", admin.site.urls),
    path("facilities/", include("facilities.urls")),
    path("delegations/", include("facilities.delegation_urls")),
    path("", include("classification.urls")),
    path("people/", include("candidates.urls")),
]

admin.site.site_header = "HIM Classification administration"
admin.site.site_title = "HIM Classification"
