"""CSV and XLSX downloads of a list, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from django.http import HttpResponse
from openpyxl import Workbook

from facilities.exports import escape_cell


def _clean(row: Iterable[object]) -> list[object]:
    out = []
    for value in row:
        if value is None:
            value = ""
        elif not isinstance(value, str | int | float | date):
            value = str(value)
        out.append(escape_cell(value))
    return out


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(_clean(header))
    for row in rows:
        writer.writerow(_clean(row))
    return response


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    sheet.append(_clean(header))
    for row in rows:
        sheet.append(_clean(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
