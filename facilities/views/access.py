"""Signing in and out, the page for someone with no role, and the health check."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView, TemplateView

from .. import permissions
from ..forms import (
    SignInForm,
)
from ..oidc import oidc_enabled, provider_sign_out_url


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


class SignInView(auth_views.LoginView):
    """The sign-in page: NY.gov ID when it is set up, and the user name form beside it (for
    administrators only under HIM_LOCAL_SIGN_IN="staff-only")."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if oidc_enabled():
            # NY.gov ID comes first on the page: focus must not jump past it into the form.
            form.fields["username"].widget.attrs.pop("autofocus", None)
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nygov_id=oidc_enabled(),
            staff_only=settings.HIM_LOCAL_SIGN_IN == "staff-only",
            **kwargs,
        )


class SignOutView(auth_views.LogoutView):
    """Sign out; after a NY.gov ID sign-in, on to the provider to end its session as well."""

    def post(self, request, *args, **kwargs):
        provider_url = provider_sign_out_url(request)  # before the session is flushed
        response = super().post(request, *args, **kwargs)
        return redirect(provider_url) if provider_url else response


class NoAccessView(TemplateView):
    """Signed in, but no role on the site yet: who to ask (config.middleware.SiteAccessMiddleware
    sends every other page here). Someone with a role is sent on to the dashboard."""

    template_name = "registration/no_access.html"

    def get(self, request, *args, **kwargs):
        if permissions.has_site_access(request.user):
            return redirect("dashboard")
        return super().get(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class AdminLoginRedirectView(RedirectView):
    """Send the admin's own sign-in form to the site's sign-in page, keeping `next`."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        if self.request.user.is_authenticated:
            # Signed in but not staff: the admin is not theirs (and a redirect would loop).
            raise PermissionDenied
        next_url = self.request.GET.get("next", "/admin/")
        return f"{reverse('login')}?{urlencode({'next': next_url})}"
