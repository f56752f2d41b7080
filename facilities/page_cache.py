"""Whole pages kept for the user who asked, until the site's data changes (decision 0011).

A page is stored under a key made of: the user, the data generation (a number the database
adds one to on every committed write to the site's tables, migration
`classification.0010_data_generation`), today's New York date, the browser's CSRF secret (the
page's forms carry a token made from it) and the full path. The same key therefore means the
same user, the same data, the same day and the same question: the view would answer with the
same page, so it is not asked again.

The generation is read with the user (`facilities.backends.UserBackend`), before any of the
page's data: a write that commits while a page is being built leaves it stored under the
older number, which no later request reads.

Wrapped around a view in the URLconf (`cached_page(View.as_view())`), inside the middleware:
sign-in, sessions, security headers and the CSRF cookie are handled on every request. Only a
plain GET that answered 200 with HTML is stored, and nothing while messages are waiting to be
shown. The pages are kept in each worker's memory (the `pages` cache), so no server is needed
and no page is shared between users.

Clock-dependent figures finer than a day (the turnaround report's open spells) may be up to
the cache's TIMEOUT old.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

CACHE = "pages"
HEADER = "X-Page-Cache"
# Larger pages are built again each time rather than crowd out the others (the queue's first
# page weighs 160 KB on the bulk data): at most 300 × 256 KB a worker.
MAX_BYTES = 256 * 1024


def page_key(request: HttpRequest) -> str | None:
    """The page's cache key, or None when this request must be answered by the view."""
    if request.method != "GET":
        return None
    user = getattr(request, "user", None)
    generation = getattr(user, "data_generation", None)
    csrf_secret = request.META.get("CSRF_COOKIE")
    if generation is None or not csrf_secret or not user.is_authenticated:
        return None
    if len(messages.get_messages(request)):
        return None
    question = hashlib.sha256(
        "\n".join(
            (csrf_secret, request.headers.get("HX-Request", ""), request.get_full_path())
        ).encode()
    ).hexdigest()
    return f"page:{user.pk}:{generation}:{timezone.localdate().isoformat()}:{question}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and len(response.content) <= MAX_BYTES
        # The page showed messages: a later visit must not show them again.
        and not getattr(messages.get_messages(request), "used", False)
    )


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view`, answered from the page cache when the same page was built for the same key."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        cache = caches[CACHE]
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            response = HttpResponse(content, content_type=content_type)
            response[HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)

        def store(rendered: HttpResponse) -> None:
            if _storable(request, rendered):
                cache.set(key, (rendered.content, rendered["Content-Type"]))
                rendered[HEADER] = "miss"

        if getattr(response, "is_rendered", True):
            store(response)
        else:
            response.add_post_render_callback(store)
        return response

    return wrapper
