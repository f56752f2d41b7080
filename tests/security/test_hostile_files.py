"""Hostile files: uploads that are too large, lie about their type, carry double extensions or
path tricks in their names, or are zip bombs posing as XLSX; imports with formulas, other
encodings, over-long cells and a million rows.

Every one is refused with a message a person can act on (nothing stored), or, where the content
is what it claims, accepted under a safe name. The counts import reads rows one at a time and
stops at its limit, so a million-row file is refused within a bounded amount of memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import tracemalloc
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from classification.models import Attachment
from facilities.imports.reading import MAX_ROWS, parse_upload
from facilities.models import AnnualActivity, CountImport
from tests.classification.factories import PDF
from tests.facilities.helpers import csv_bytes, xlsx_with_sheet

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HEADER = ["facility_code", "fiscal_year", "individuals_served", "records_activities"]


def zip_bomb(size: int = 101 * 1024 * 1024, *, xlsx_parts: bool = True) -> bytes:
    """A small zip (about 100 KB) that inflates to `size` bytes, dressed as a workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if xlsx_parts:
            archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


# --- the counts import: parse_upload (no database needed) ------------------------------------


def test_a_million_row_csv_is_refused_within_bounded_memory():
    data = ("\r\n".join([",".join(HEADER)] + ["F1,2024,1,1"] * 1_000_000)).encode()
    data = data[: 5 * 1024 * 1024]  # just under the 5 MB upload limit: ~420,000 rows
    tracemalloc.start()
    try:
        parsed = parse_upload("counts.csv", data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert parsed.rows == []
    assert parsed.errors == [
        f"The file has more than {MAX_ROWS:,} rows of counts; the limit is {MAX_ROWS:,}. "
        "Split it into smaller files."
    ]
    # Held whole as rows (the code before) it peaked at 96 MB and took 6 s; read row by row
    # it peaks near 30 MB: the text itself plus at most MAX_ROWS rows.
    assert peak < 60 * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"


def test_a_million_blank_lines_are_no_burden():
    data = (",".join(HEADER) + "\n" + "\n" * 1_000_000).encode()
    tracemalloc.start()
    try:
        parsed = parse_upload("counts.csv", data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert parsed.rows == []
    assert [e[:40] for e in parsed.errors] == ["The file has headings but no rows of cou"]
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"


def test_exactly_the_limit_is_read():
    data = csv_bytes([["F1", 2024, 1, 1, ""]] * MAX_ROWS)
    parsed = parse_upload("counts.csv", data)
    assert parsed.errors == [] and len(parsed.rows) == MAX_ROWS


def test_a_zip_bomb_posing_as_xlsx_is_refused(bomb):
    assert len(bomb) < 1024 * 1024  # small on the wire
    tracemalloc.start()
    try:
        parsed = parse_upload("counts.xlsx", bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert parsed.errors == ["This file would expand to more than 25 MB; it cannot be accepted."]
    assert peak < 20 * 1024 * 1024


def _sheet_xml(rows: int) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADER)
    body = [f'<row r="1">{cells}</row>']
    body += [
        f'<row r="{n}"><c t="inlineStr"><is><t>F1</t></is></c><c><v>2024</v></c>'
        f"<c><v>1</v></c><c><v>1</v></c></row>"
        for n in range(2, rows + 2)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
        f'/spreadsheetml/2006/main"><dimension ref="A1:D{rows + 1}"/><sheetData>'
        + "".join(body)
        + "</sheetData></worksheet>"
    ).encode()


def minimal_xlsx(rows: int) -> bytes:
    """A real workbook with `rows` rows of counts, written directly (fast at any size)."""
    return xlsx_with_sheet(_sheet_xml(rows))


def test_a_small_workbook_is_read():
    parsed = parse_upload("counts.xlsx", minimal_xlsx(3))
    assert parsed.errors == []
    assert [r["individuals_served"] for r in parsed.rows] == [1, 1, 1]


def test_a_workbook_of_a_million_rows_is_refused_before_it_is_read():
    """Highly compressible rows: 2.8 MB zipped, ~105 MB of XML. Refused on the sizes the zip
    declares, before openpyxl parses anything."""
    data = minimal_xlsx(1_000_000)
    assert len(data) < 5 * 1024 * 1024
    parsed = parse_upload("counts.xlsx", data)
    assert parsed.errors == ["This file would expand to more than 25 MB; it cannot be accepted."]


def test_a_workbook_over_the_row_limit_is_read_no_further(monkeypatch):
    """With the limit at 2,000 a 200,000-row sheet (21 MB of XML) is refused after 2,001 rows:
    fast, and without holding the sheet in memory."""
    monkeypatch.setattr("facilities.imports.reading.MAX_ROWS", 2_000)
    data = minimal_xlsx(200_000)
    tracemalloc.start()
    try:
        parsed = parse_upload("counts.xlsx", data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert parsed.rows == [] and "limit is 2,000" in parsed.errors[0]
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("counts.csv", EXE),  # an executable named .csv
        ("counts.xlsx", EXE),
        ("counts.csv.exe", csv_bytes([["F1", 2024, 1, 1, ""]])),  # double extension
        ("counts.exe", csv_bytes([["F1", 2024, 1, 1, ""]])),
        ("counts.xlsx", PDF),
        ("counts", csv_bytes([["F1", 2024, 1, 1, ""]])),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(name, data):
    parsed = parse_upload(name, data)
    assert parsed.rows == []
    assert parsed.errors and "not a CSV or XLSX file" in parsed.errors[0]


def test_a_zip_that_is_no_workbook_is_refused():
    parsed = parse_upload("counts.xlsx", zip_bomb(1024, xlsx_parts=False))
    assert len(parsed.errors) == 1
    assert parsed.errors[0].startswith(
        "This file is not a readable Excel workbook: it could not be opened."
    )


def test_utf16_with_a_byte_order_mark_is_read():
    """Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated."""
    text = "\t".join([*HEADER, "methodology"]) + "\r\nF1\t2024\t10\t20\tCompté à la main ✓\r\n"
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        parsed = parse_upload("counts.csv", bom + text.encode(encoding))
        assert parsed.errors == []
        assert parsed.rows[0]["methodology"] == "Compté à la main ✓"
        assert parsed.rows[0]["individuals_served"] == "10"


def test_utf16_without_a_byte_order_mark_is_refused():
    text = ",".join(HEADER) + "\nF1,2024,10,20\n"
    parsed = parse_upload("counts.csv", text.encode("utf-16-le"))
    assert parsed.errors == ["The CSV file is not text. Save it as CSV (UTF-8)."]


def test_latin1_and_windows_1252_are_read():
    """A CSV saved by Excel on Windows: "é" and "—" as single bytes."""
    text = ",".join([*HEADER, "methodology"]) + "\nF1,2024,10,20,Comptage — Jérôme\n"
    parsed = parse_upload("counts.csv", text.encode("cp1252"))
    assert parsed.errors == []
    assert parsed.rows[0]["methodology"] == "Comptage — Jérôme"


def test_an_overlong_cell_is_refused_not_a_crash():
    data = csv_bytes([["F1", 2024, 1, 1, '"' + "x" * 200_000]])
    parsed = parse_upload("counts.csv", data)
    assert parsed.rows == []
    assert "could not be read" in parsed.errors[0]


# --- through the pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("counts.csv", lambda: b"x" * (5 * 1024 * 1024 + 1), "limit is 5 MB"),
        ("counts.csv", lambda: EXE, "not a CSV or XLSX file"),
        ("counts.csv.exe", lambda: EXE, "not a CSV or XLSX file"),
        ("counts.xlsx", zip_bomb, "would expand to more than 25 MB"),
    ],
)
def test_the_import_page_refuses_with_a_message(client, scene, name, make, message):
    omh = scene.agencies["OMH"]
    client.force_login(omh.hr)
    before = AnnualActivity.objects.count(), CountImport.objects.count()
    response = client.post(
        reverse("facilities:import"), {"file": SimpleUploadedFile(name, make())}, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AnnualActivity.objects.count() == before[0]
    # A refused file leaves no preview that could be confirmed.
    fresh = CountImport.objects.filter(created_by=omh.hr).exclude(pk=omh.count_import.pk)
    assert not fresh.filter(file_errors=[]).exists()


def test_path_tricks_in_an_import_name_are_dropped(client, scene):
    omh = scene.agencies["OMH"]
    client.force_login(omh.hr)
    data = csv_bytes([[omh.facility.code, 2022, 5, 6, ""]])
    client.post(
        reverse("facilities:import"), {"file": SimpleUploadedFile("../../etc/passwd.csv", data)}
    )
    latest = CountImport.objects.filter(created_by=omh.hr).order_by("-created_at").first()
    assert latest.file_name == "passwd.csv"


def test_a_formula_in_methodology_is_stored_as_typed_and_never_runs(client, scene):
    omh = scene.agencies["OMH"]
    formula = '=HYPERLINK("http://evil.example","Click")'
    client.force_login(omh.hr)
    data = csv_bytes([[omh.facility.code, 2022, 5, 6, formula]])
    client.post(reverse("facilities:import"), {"file": SimpleUploadedFile("counts.csv", data)})
    count_import = CountImport.objects.filter(created_by=omh.hr).order_by("-created_at").first()
    response = client.post(
        reverse("facilities:import_preview", args=[count_import.token]),
        {"file_sha256": count_import.file_sha256},
    )
    assert response.status_code == 302
    activity = AnnualActivity.objects.get(facility=omh.facility, fiscal_year=2022)
    assert activity.methodology == formula  # the data is what the agency sent
    page = client.get(omh.facility.get_absolute_url()).content.decode()
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in page  # shown as text
    assert 'href="http://evil.example"' not in page
    # A facility name a spreadsheet would run as a formula is exported as text.
    omh.facility.name = formula
    omh.facility.save()
    client.force_login(scene.analyst)
    exported = client.get(reverse("facilities:facility_list"), {"export": "csv"})
    body = b"".join(exported.streaming_content) if exported.streaming else exported.content
    cells = [row[0] for row in csv.reader(io.StringIO(body.decode("utf-8-sig")))]
    assert "'" + formula in cells and formula not in cells


# --- request attachments ------------------------------------------------------------------


def _attach(client, r, name: str, data: bytes):
    return client.post(
        reverse("classification:attachment_create", args=[r.pk]),
        {"kind": "other", "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("big.pdf", lambda: PDF + b"\0" * (10 * 1024 * 1024), "the limit is 10 MB"),
        ("report.pdf", lambda: EXE, "not a PDF, PNG, JPEG"),
        ("report.pdf.exe", lambda: EXE, "not a PDF, PNG, JPEG"),
        ("chart.xlsx", zip_bomb, "expand to more than 100 MB"),
        ("chart.xlsx", lambda: zip_bomb(1024, xlsx_parts=False), "not a PDF, PNG, JPEG"),
        ("empty.pdf", lambda: b"", ""),
    ],
)
def test_hostile_attachments_are_refused_with_a_message(client, scene, name, make, message):
    omh = scene.agencies["OMH"]
    client.force_login(omh.hr)
    before = Attachment.objects.count()
    response = _attach(client, omh.submitted, name, make())
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any(message in m for m in shown), shown
    assert Attachment.objects.count() == before


@pytest.mark.parametrize(
    ("name", "stored_as"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("report.pdf.exe", "report.pdf.pdf"),  # judged by content: a PDF, named as one
        ("\u202ecod.exe", "cod.pdf"),  # a right-to-left override hiding ".exe"
        (".htaccess", "htaccess.pdf"),
    ],
)
def test_path_tricks_in_attachment_names_are_neutralised(client, scene, name, stored_as):
    omh = scene.agencies["OMH"]
    client.force_login(omh.hr)
    _attach(client, omh.submitted, name, PDF)
    attachment = Attachment.objects.filter(reclassification=omh.submitted).latest("pk")
    assert attachment.original_name == stored_as
    assert attachment.file.name.startswith("attachments/") and ".." not in attachment.file.name
    assert attachment.file.name.endswith(".pdf")
    assert (
        (settings.MEDIA_ROOT / attachment.file.name)
        .resolve()
        .is_relative_to(settings.MEDIA_ROOT.resolve())
    )
