"""CSV and XLSX downloads of list rows, with spreadsheet formulas defused: the one export
module every list and report uses."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(value: Any) -> Any:
    """A cell as a spreadsheet should get it: numbers and dates as they are, nothing as
    empty, anything else as text with formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | date):
        return value
    return escape_cell(str(value))


def export_response(
    fmt: str, filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse | StreamingHttpResponse:
    """The rows as a CSV (streamed) or XLSX download (`fmt` is "csv" or "xlsx")."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(filename[:31])
        sheet.append([spreadsheet_safe(str(h)) for h in headers])
        for row in rows:
            sheet.append([spreadsheet_safe(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response: HttpResponse | StreamingHttpResponse = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        # Streamed: the first rows leave at once and memory stays flat however many rows
        # (pass rows from `QuerySet.iterator()` so nothing caches them either).
        response = StreamingHttpResponse(
            _csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


class _Line:
    """A file-like object whose write() returns what was written (csv.writer → one line)."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    # The byte-order mark tells Excel the file is UTF-8 (names such as "Peña").
    yield writer.writerow([spreadsheet_safe(str(h)) for h in headers]).encode("utf-8-sig")
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([spreadsheet_safe(v) for v in row]))
        if len(batch) == 500:  # a few tens of kilobytes per write
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()
