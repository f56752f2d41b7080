"""SQL expressions the models themselves use (so they import nothing from the models)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, IntegerField


class DecisionDays(Func):
    """Calendar days from submission to closing minus the days paused (an integer, in SQL).

    NULL until the request is closed. Stored on each request by the database as
    `days_to_close` (a generated column), so the reports read an integer instead of working
    the dates out again for every row and every bucket.
    """

    output_field = IntegerField()

    def __init__(self) -> None:
        super().__init__(F("closed_on"), F("submitted_on"), F("paused_total"))

    def _parts(self, compiler: Any, connection: Any) -> tuple[list[str], list[Any]]:
        sqls, params = [], []
        for expression in self.get_source_expressions():
            sql, p = compiler.compile(expression)
            sqls.append(sql)
            params.extend(p)
        return sqls, params

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        (end, start, paused), params = self._parts(compiler, connection)
        # SQLite keeps a duration as whole microseconds.
        return (
            f"(CAST(julianday({end}) - julianday({start}) AS INTEGER)"
            f" - CAST({paused} / 86400000000 AS INTEGER))",
            params,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        (end, start, paused), params = self._parts(compiler, connection)
        return (
            f"(({end} - {start}) - CAST(EXTRACT(EPOCH FROM {paused}) / 86400 AS INTEGER))",
            params,
        )
