"""The counts import never answers 500: numbers no count can be, cells that lie about their
type, and workbooks cut short or damaged each get a message a clerk can act on.

Python refuses int() of more than 4,300 digits, openpyxl casts a number cell's text with
int() or float() while it reads the sheet, and PostgreSQL's JSON refuses infinity: each of
these once escaped as a 500 (the CSV one on every visit to the stored preview). The workbooks
are written by hand (tests/facilities/helpers.py) so a cell can hold anything.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from facilities import services
from facilities.imports.checking import validate_rows
from facilities.imports.reading import parse_upload
from facilities.models import AnnualActivity, CountImport
from tests.factories import FacilityFactory, hr_user

from .helpers import SHEET, count_row, csv_bytes, sheet_xml, xlsx_with_sheet

pytestmark = pytest.mark.django_db

HUGE = "9" * 5000
UNREADABLE = "This file is not a readable Excel workbook"


@pytest.fixture
def hr():
    FacilityFactory(agency__code="OPWDD", facility_type="ddsoo", code="DD1")
    return hr_user("OPWDD")


def workbook(*rows: list[str]) -> bytes:
    return xlsx_with_sheet(sheet_xml(list(rows)))


def good_row(year: int = 2023) -> list[str]:
    return count_row("DD1", str(year), "10", "20")


def damaged_member(data: bytes) -> bytes:
    """The workbook with one byte of its sheet's compressed data changed (a bad CRC)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(SHEET)
    raw = bytearray(data)
    name_and_extra = int.from_bytes(
        raw[info.header_offset + 26 : info.header_offset + 28], "little"
    )
    name_and_extra += int.from_bytes(
        raw[info.header_offset + 28 : info.header_offset + 30], "little"
    )
    middle = info.header_offset + 30 + name_and_extra + info.compress_size // 2
    raw[middle] ^= 0xFF
    return bytes(raw)


# --- one row at a time --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("individuals", "reason"),
    [
        (HUGE, "Individuals served must be a whole number of at most 10 digits"),
        ("12345678901", "Individuals served must be a whole number of at most 10 digits"),
        ("2147483648", "Individuals served must be a whole number of at most 10 digits"),
        ("-" + HUGE, "Individuals served must be a whole number of at most 10 digits"),
        ("1," + ",".join(["000"] * 2000), "at most 10 digits"),
    ],
)
def test_a_csv_number_no_count_can_be_is_a_row_error(hr, individuals, reason):
    count_import = services.preview_count_import(
        actor=hr, file_name="counts.csv", data=csv_bytes([["DD1", 2023, individuals, 1, ""]])
    )
    assert count_import.file_errors == []
    (row,) = validate_rows(hr, count_import.rows)
    assert row.outcome == "error"
    assert any(reason in e for e in row.errors), row.errors
    assert all(len(e) < 200 for e in row.errors), "the number is not echoed back whole"


def test_a_year_of_5000_digits_is_a_row_error(hr):
    count_import = services.preview_count_import(
        actor=hr, file_name="counts.csv", data=csv_bytes([["DD1", HUGE, 1, 1, ""]])
    )
    (row,) = validate_rows(hr, count_import.rows)
    assert row.outcome == "error" and "is not a year" in row.errors[0]
    assert len(row.errors[0]) < 200


def test_the_preview_of_a_csv_with_a_5000_digit_number_opens_every_time(client, hr):
    """The preview validates the stored rows on every visit: today each visit was a 500."""
    client.force_login(hr)
    data = csv_bytes([["DD1", 2022, 5, 6, ""], ["DD1", 2023, HUGE, 6, ""]])
    response = client.post(
        reverse("facilities:import"), {"file": SimpleUploadedFile("counts.csv", data)}
    )
    assert response.status_code == 302
    for _visit in range(2):
        page = client.get(response["Location"])
        assert page.status_code == 200
        body = page.content.decode()
        assert "Individuals served must be a whole number of at most 10 digits" in body
        assert HUGE not in body
    assert not AnnualActivity.objects.exists()


# --- workbooks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (count_row("DD1", "2023", "1e999", "20"), "Individuals served is not a whole number"),
        (count_row("DD1", "2023", "-1e999", "20"), "Individuals served is not a whole number"),
        (count_row("DD1", "2023", "1e300", "20"), "at most 10 digits"),
        (count_row("DD1", "2023", "10", "3e10"), "Records activities must be a whole number"),
        (count_row("DD1", "1e999", "10", "20"), "is not a year"),
    ],
)
def test_a_workbook_number_no_count_can_be_is_a_row_error(hr, cells, reason):
    count_import = services.preview_count_import(
        actor=hr, file_name="counts.xlsx", data=workbook(good_row(2022), cells)
    )
    assert count_import.file_errors == []
    first, second = validate_rows(hr, count_import.rows)
    assert first.outcome == "new"
    assert second.outcome == "error" and second.line == 3
    assert any(reason in e for e in second.errors), second.errors


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (count_row("DD1", "2023", "abc", "20"), "Row 3: a cell marked as a number holds"),
        (count_row("DD1", "2023", HUGE, "20"), "Row 3: a cell marked as a number holds"),
        (count_row("DD1", "2023", "nan", "20"), "Row 3: a cell marked as a number holds"),
        (count_row("DD1", "two thousand", "10", "20"), "Row 3: a cell marked as a number holds"),
    ],
)
def test_a_cell_openpyxl_cannot_read_names_its_row(hr, cells, reason):
    parsed = parse_upload("counts.xlsx", workbook(good_row(2022), cells, good_row(2021)))
    assert parsed.rows == []
    assert len(parsed.errors) == 1 and parsed.errors[0].startswith(reason), parsed.errors


def test_a_sheet_cut_short_is_not_a_readable_workbook(hr):
    sheet = sheet_xml([good_row(2020 + n) for n in range(3)])
    parsed = parse_upload("counts.xlsx", xlsx_with_sheet(sheet[: len(sheet) * 2 // 3]))
    assert parsed.rows == []
    assert len(parsed.errors) == 1 and parsed.errors[0].startswith(UNREADABLE), parsed.errors


@pytest.mark.parametrize(
    ("compression", "message"),
    [
        # A broken deflate stream: found while measuring what the members inflate to.
        (zipfile.ZIP_DEFLATED, "This file is damaged (part of it cannot be unpacked)."),
        # A stored sheet with one byte changed: openpyxl finds it (by its checksum or XML).
        (zipfile.ZIP_STORED, UNREADABLE),
    ],
)
def test_a_damaged_sheet_is_refused(hr, compression, message):
    sheet = sheet_xml([good_row(2000 + n) for n in range(20)])
    parsed = parse_upload(
        "counts.xlsx", damaged_member(xlsx_with_sheet(sheet, compression=compression))
    )
    assert parsed.rows == []
    assert len(parsed.errors) == 1 and parsed.errors[0].startswith(message), parsed.errors


HOSTILE_WORKBOOKS = {
    "text in a number cell": (
        lambda: workbook(count_row("DD1", "2023", "abc", "20")),
        "Row 2: a cell marked as a number",
    ),
    "1e999": (
        lambda: workbook(count_row("DD1", "2023", "1e999", "20")),
        "Individuals served is not a whole number",
    ),
    "5,000 digits": (
        lambda: workbook(count_row("DD1", "2023", HUGE, "20")),
        "Row 2: a cell marked as a number",
    ),
    "cut short": (lambda: xlsx_with_sheet(sheet_xml([good_row()])[:300]), UNREADABLE),
    "damaged": (
        lambda: damaged_member(workbook(*[good_row(2000 + n) for n in range(20)])),
        "This file is damaged",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_WORKBOOKS))
def test_the_import_pages_answer_a_hostile_workbook_with_a_message(client, hr, name):
    make, message = HOSTILE_WORKBOOKS[name]
    client.force_login(hr)
    response = client.post(
        reverse("facilities:import"),
        {"file": SimpleUploadedFile("counts.xlsx", make())},
        follow=True,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    again = client.get(response.redirect_chain[-1][0])
    assert again.status_code == 200 and message in again.content.decode()
    # Nothing half-written: no counts, and nothing that could be confirmed.
    assert not AnnualActivity.objects.exists()
    (count_import,) = CountImport.objects.all()
    confirm = client.post(
        reverse("facilities:import_preview", args=[count_import.token]),
        {"file_sha256": count_import.file_sha256},
    )
    assert confirm.status_code == 302
    assert not AnnualActivity.objects.exists()


# --- another agency's codes look like no codes at all ------------------------------------


def test_another_agencys_facility_code_reads_as_an_unknown_one(client, hr):
    """Agency HR learns nothing from the import about other agencies' facilities: the code
    of an OMH facility gets the very reason a code nobody uses gets, and no facility name."""
    FacilityFactory(agency__code="OMH", code="PC1", name="Zz Secret Psychiatric Center")
    count_import = services.preview_count_import(
        actor=hr,
        file_name="counts.csv",
        data=csv_bytes([["PC1", 2023, 1, 1, ""], ["NOPE", 2023, 1, 1, ""]]),
    )
    theirs, nobodys = validate_rows(hr, count_import.rows)
    assert theirs.outcome == nobodys.outcome == "error"
    assert [e.replace("PC1", "NOPE") for e in theirs.errors] == nobodys.errors
    assert theirs.facility_name == "" and theirs.facility_id is None
    client.force_login(hr)
    page = client.get(reverse("facilities:import_preview", args=[count_import.token]))
    body = page.content.decode()
    assert "Zz Secret" not in body and "your agency" not in body
    assert body.count("Unknown facility code") == 2
