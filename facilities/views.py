from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView, TemplateView


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


@method_decorator(login_not_required, name="dispatch")
class AdminLoginRedirectView(RedirectView):
    """Send the admin's own sign-in form to the site's sign-in page, keeping `next`."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        if self.request.user.is_authenticated:
            # Signed in but not staff: the admin is not theirs (and a redirect would loop).
            raise PermissionDenied
        next_url = self.request.GET.get("next", "/admin/")
        return f"{reverse('login')}?{urlencode({'next': next_url})}"


class DashboardView(TemplateView):
    template_name = "facilities/dashboard.html"
