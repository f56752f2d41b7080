"""CSV and XLSX downloads of list rows, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

from facilities.exports import escape_cell


def export_response(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse | StreamingHttpResponse:
    """The rows as a CSV (streamed) or XLSX download (`fmt` is "csv" or "xlsx")."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(filename[:31])
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append([escape_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
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


def _csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    yield writer.writerow([str(h) for h in headers]).encode()
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([escape_cell("" if v is None else str(v)) for v in row]))
        if len(batch) == 500:  # a few tens of kilobytes per write
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()
