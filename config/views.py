"""Views that belong to no app."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def ping(request: HttpRequest) -> HttpResponse:
    """The cheapest signed-in page: the ceiling that `make bench` compares pages against.

    Sign-in is required (LoginRequiredMiddleware), so it costs what every signed-in page
    costs at least: the session and the user.
    """
    return HttpResponse("pong\n", content_type="text/plain")
