"""Small builders shared by the facilities tests."""

import csv
import io
import zipfile

from facilities import services
from facilities.models import AnnualActivity, Facility


def counts(
    facility: Facility, actor, year: int, i: int, a: int, *, accept_by=None
) -> AnnualActivity:
    """Report a year through the service, and accept it when `accept_by` is given."""
    activity = services.report_counts(
        actor=actor, facility=facility, fiscal_year=year, individuals_served=i, records_activities=a
    )
    if accept_by is not None:
        activity = services.accept_counts(
            actor=accept_by, activity=activity, expected_version=activity.version
        )
    return activity


def csv_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        header
        or [
            "facility_code",
            "fiscal_year",
            "individuals_served",
            "records_activities",
            "methodology",
        ]
    )
    writer.writerows(rows)
    return buffer.getvalue().encode()


# --- workbooks written by hand, so a test can put anything in a cell ----------------------

_NS = "http://schemas.openxmlformats.org"
_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_NS}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_NS}/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{_NS}/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" xmlns:r="{_NS}/officeDocument/2006/'
        'relationships"><sheets><sheet name="Counts" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_NS}/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{_NS}/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET = "xl/worksheets/sheet1.xml"
COUNT_HEADINGS = ["facility_code", "fiscal_year", "individuals_served", "records_activities"]


def text_cell(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def number_cell(raw: str) -> str:
    """A cell Excel keeps as a number, holding `raw` as written (anything at all)."""
    return f"<c><v>{raw}</v></c>"


def sheet_xml(rows: list[list[str]], *, headings: list[str] = COUNT_HEADINGS) -> bytes:
    """A worksheet: a heading row of text, then `rows` of cells made by the two helpers."""
    body = [f'<row r="1">{"".join(text_cell(h) for h in headings)}</row>']
    body += [f'<row r="{n}">{"".join(cells)}</row>' for n, cells in enumerate(rows, start=2)]
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
        f'/spreadsheetml/2006/main"><dimension ref="A1:D{len(rows) + 1}"/><sheetData>'
        + "".join(body)
        + "</sheetData></worksheet>"
    ).encode()


def xlsx_with_sheet(sheet: bytes, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A workbook whose only sheet is `sheet` (XML bytes, well-formed or not)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr(SHEET, sheet)
    return buffer.getvalue()


def count_row(code: str, year: str, individuals: str, activities: str) -> list[str]:
    """One row of counts; numbers written as number cells, exactly as given."""
    return [text_cell(code), number_cell(year), number_cell(individuals), number_cell(activities)]
