"""Middleware for measuring, switched on only by environment variables (see settings)."""

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
