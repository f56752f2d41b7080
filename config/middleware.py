"""Middleware of the project's own: response headers every page gets, the session's idle
expiry, the way back after a session ended mid-form, and (switched on only by an environment
variable) a query counter for benchmarks."""

import time
from collections.abc import Callable
from contextlib import ExitStack
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from facilities.permissions import has_site_access


class QueryCountMiddleware:
    """Add `X-Query-Count`: the SQL statements a request ran, on every database connection.

    Outermost, so the session and authentication queries count too. For benchmarks only
    (`HIM_COUNT_QUERIES=1`); it never runs in production.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's deny-by-default sign-in redirect, with a way back for a form whose session ended.

    A form posted after the session's 30 idle minutes cannot be kept (its files least of all),
    and the address it was posted to answers only POST: sent there after signing in, the user
    met an empty "405" page. A POST (or an htmx fragment) is sent instead to sign in and then
    back to the page it came from (its same-site Referer, else the home page), told plainly
    that nothing was saved. An htmx request gets `HX-Redirect`, so the whole page goes to
    sign-in rather than the sign-in form being swapped into a fragment. GET and HEAD are
    Django's own."""

    def handle_no_permission(self, request, view_func):
        htmx = request.headers.get("HX-Request") == "true"
        if request.method in ("GET", "HEAD") and not htmx:
            return super().handle_no_permission(request, view_func)
        came_from = request.headers.get("HX-Current-URL" if htmx else "Referer", "")
        hosts = {request.get_host()}
        back = resolve_url(settings.LOGIN_REDIRECT_URL)
        if came_from and url_has_allowed_host_and_scheme(
            came_from, allowed_hosts=hosts, require_https=request.is_secure()
        ):
            parts = urlsplit(came_from)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            # The path alone is checked again: "https://site//elsewhere" has "//elsewhere".
            if path.startswith("/") and url_has_allowed_host_and_scheme(path, hosts):
                back = path
        if request.method not in ("GET", "HEAD"):
            messages.warning(
                request,
                _(
                    "You are not signed in (the session may have ended after a time "
                    "without activity), so what you sent was not saved. Sign in, and you "
                    "will be taken back to the page to send it again."
                ),
            )
        login = redirect_to_login(
            back,
            resolve_url(self.get_login_url(view_func)),
            self.get_redirect_field_name(view_func),
        )
        if not htmx:
            return login
        response = HttpResponse(status=401)
        response["HX-Redirect"] = login.url
        return response


TOUCHED = "_him_touched"  # session key: when the session was last saved (Unix seconds)


class SessionTouchMiddleware:
    """Push a signed-in session's idle expiry forward at most once a minute.

    Replaces SESSION_SAVE_EVERY_REQUEST, which cost an UPDATE (three statements inside a
    transaction) on every page. The stored expiry is set whenever the session is saved, so
    saving at most every HIM_SESSION_TOUCH_SECONDS (60) means a session ends between 29 and
    30 idle minutes after the last request instead of exactly 30. Sessions changed for other
    reasons (sign-in, messages) are saved as before. Place it after SessionMiddleware and
    AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.interval = getattr(settings, "HIM_SESSION_TOUCH_SECONDS", 60)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        # Only a session this request read: a view that never looked (/healthz) must not load
        # one on the way out, which during a database outage turned its 503 into a 500.
        if session is None or not session.accessed:
            return response
        # Only a signed-in user's live session: never create one for an anonymous visitor.
        if user is None or not user.is_authenticated:
            return response
        now = int(time.time())
        if session.modified or now - session.get(TOUCHED, 0) >= self.interval:
            session[TOUCHED] = now
        return response


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every answer to a signed-in user.

    Pages, fragments, exports and files shown to a signed-in user hold what only that user may
    see; neither a shared cache nor the browser's own may keep them (a shared computer's back
    button, a proxy between offices). Static files are served by WhiteNoise before this runs
    and keep their long caching. Only a request that read its session is asked who is signed
    in, so /healthz never touches the database here. Place it after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` denying every browser feature in settings.PERMISSIONS_POLICY_DENIED
    (the site uses none of them), so no script or frame on a page can ask for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class SiteAccessMiddleware:
    """A signed-in person with no role (facilities.permissions.has_site_access) sees only the
    page that tells them to ask an administrator for one, not an empty site: every other page
    redirects there. Signing out, signing in again and the health check stay open. Place it
    after AuthenticationMiddleware; LoginRequiredMiddleware has already sent anonymous visitors
    to the sign-in page."""

    OPEN = frozenset(
        {
            "no_access",
            "logout",
            "login",
            "healthz",
            "oidc_authentication_init",
            "oidc_authentication_callback",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in self.OPEN:
            return None
        user = request.user
        if not user.is_authenticated or has_site_access(user):
            return None
        return redirect("no_access")
