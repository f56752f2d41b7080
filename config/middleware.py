"""Middleware for measuring, switched on only by environment variables (see settings)."""

import time
from collections.abc import Callable
from contextlib import ExitStack

from django.db import connections
from django.http import HttpRequest, HttpResponse


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
        # Only a signed-in user's live session: never create one for an anonymous visitor.
        if session is None or user is None or not user.is_authenticated:
            return response
        now = int(time.time())
        if session.modified or now - session.get(TOUCHED, 0) >= self.interval:
            session[TOUCHED] = now
        return response
