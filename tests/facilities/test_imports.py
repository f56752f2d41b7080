"""Importing counts: every row's outcome and reason, all-or-nothing apply, idempotent re-import."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from common.errors import Refused
from facilities import services
from facilities.imports.checking import validate_rows
from facilities.imports.reading import MAX_UPLOAD_BYTES, parse_upload
from facilities.models import AnnualActivity, AnnualActivityRevision, CountImport
from tests.factories import FacilityFactory, analyst_user, hr_user

from .helpers import counts, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    opwdd = FacilityFactory(agency__code="OPWDD", facility_type="ddsoo", code="DD1")
    omh = FacilityFactory(agency__code="OMH", code="PC1")
    return {"opwdd": opwdd, "omh": omh, "hr": hr_user("OPWDD"), "analyst": analyst_user()}


def preview(actor, data: bytes, name: str = "counts.csv"):
    count_import = services.preview_count_import(actor=actor, file_name=name, data=data)
    return count_import, validate_rows(actor, count_import.rows)


def only_row(actor, row: list):
    count_import, rows = preview(actor, csv_bytes([row]))
    assert not count_import.file_errors
    (checked,) = rows
    return checked


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["NOPE", 2024, 1, 1, ""], "Unknown facility code “NOPE”"),
        (["PC1", 2024, 1, 1, ""], "Unknown facility code “PC1”"),  # another agency's: no leak
        (["DD1", 2024, "12.5", 1, ""], "not a whole number"),
        (["DD1", 2024, "lots", 1, ""], "not a whole number"),
        (["DD1", 2024, 1, -3, ""], "cannot be negative"),
        (["DD1", 2024, "", 1, ""], "missing"),
        (["", 2024, 1, 1, ""], "facility code is missing"),
        (["DD1", "24-25", 1, 1, ""], "not a year"),
        (["DD1", 1980, 1, 1, ""], "outside 1990 to 2100"),
        (["DD1", 2099, 1, 1, ""], "has not started"),
    ],
)
def test_row_errors_have_reasons(setup, row, reason):
    checked = only_row(setup["hr"], row)
    assert checked.outcome == "error"
    assert any(reason in e for e in checked.errors), checked.errors


def test_another_agencys_facility_is_fine_for_an_analyst(setup):
    assert only_row(setup["analyst"], ["PC1", 2024, 1, 1, ""]).outcome == "new"


def test_duplicate_rows_in_the_file(setup):
    _imp, rows = preview(
        setup["hr"], csv_bytes([["DD1", 2024, 1, 1, ""], ["DD1", "SFY 2024-25", 2, 2, ""]])
    )
    assert [r.outcome for r in rows] == ["new", "error"]
    assert "Duplicate row: row 2" in rows[1].errors[0]


def test_new_changed_unchanged(setup):
    counts(setup["opwdd"], setup["hr"], 2023, 100, 1_000)
    counts(setup["opwdd"], setup["hr"], 2022, 100, 1_000)
    _imp, rows = preview(
        setup["hr"],
        csv_bytes(
            [
                ["DD1", 2024, "2,500", 1, ""],
                ["DD1", 2023, 101, 1_000, ""],
                ["DD1", 2022, 100, 1000, ""],
            ]
        ),
    )
    assert [r.outcome for r in rows] == ["new", "changed", "unchanged"]
    assert rows[0].individuals_served == 2_500


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("counts.pdf", b"%PDF-1.4 whatever", "not a CSV or XLSX"),
        ("counts.csv", b"%PDF-1.4\n" + bytes(range(256)), "not"),
        ("counts.xlsx", b"facility_code,fiscal_year\n", "not a CSV or XLSX"),
        (
            "counts.csv",
            b"facility_code,fiscal_year,individuals_served\nDD1,2024,1\n",
            "Missing column: records_activities",
        ),
        ("counts.csv", b"", "empty"),
        (
            "counts.csv",
            b"facility_code,fiscal_year,individuals_served,records_activities\n\n",
            "headings but no rows",
        ),
        ("counts.csv", b"x" * (MAX_UPLOAD_BYTES + 1), "limit is 5 MB"),
    ],
)
def test_file_errors(setup, name, data, reason):
    count_import = services.preview_count_import(actor=setup["hr"], file_name=name, data=data)
    assert any(reason in e for e in count_import.file_errors), count_import.file_errors
    with pytest.raises(Refused):
        services.apply_count_import(
            actor=setup["hr"], count_import=count_import, file_sha256=count_import.file_sha256
        )


def test_xlsx_with_friendly_headings(setup):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Facility code", "SFY", "Individuals served", "Records activities", "Methodology"]
    )
    sheet.append(["DD1", 2024, 2_500, 250_000.0, "census"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_upload("counts.xlsx", buffer.getvalue())
    assert parsed.errors == []
    (row,) = validate_rows(setup["hr"], parsed.rows)
    assert (row.outcome, row.records_activities, row.methodology) == ("new", 250_000, "census")


def test_apply_then_reimport_changes_nothing(setup):
    data = csv_bytes([["DD1", 2023, 2_500, 200_000, "census"], ["DD1", 2024, 2_600, 210_000, ""]])
    first, _rows = preview(setup["hr"], data)
    summary = services.apply_count_import(
        actor=setup["hr"], count_import=first, file_sha256=first.file_sha256
    )
    assert summary == {"new": 2, "changed": 0, "unchanged": 0}
    assert AnnualActivity.objects.count() == 2
    revisions = AnnualActivityRevision.objects.count()

    second, rows = preview(setup["hr"], data)
    assert {r.outcome for r in rows} == {"unchanged"}
    summary = services.apply_count_import(
        actor=setup["hr"], count_import=second, file_sha256=second.file_sha256
    )
    assert summary == {"new": 0, "changed": 0, "unchanged": 2}
    assert AnnualActivityRevision.objects.count() == revisions
    assert set(AnnualActivity.objects.values_list("version", flat=True)) == {1}


def test_a_changed_row_is_a_correction_with_history(setup):
    activity = counts(setup["opwdd"], setup["hr"], 2024, 2_500, 200_000, accept_by=setup["analyst"])
    count_import, _rows = preview(setup["hr"], csv_bytes([["DD1", 2024, 2_550, 200_000, ""]]))
    services.apply_count_import(
        actor=setup["hr"], count_import=count_import, file_sha256=count_import.file_sha256
    )
    activity.refresh_from_db()
    assert (activity.individuals_served, activity.status) == (2_550, "submitted")
    last = activity.revisions.order_by("-version").first()
    assert (last.kind, last.old_individuals_served, last.source) == (
        "corrected",
        2_500,
        "import of counts.csv",
    )


@pytest.mark.parametrize("bad_at", [0, 5, 9])
def test_one_bad_row_anywhere_writes_nothing(setup, bad_at):
    rows = [["DD1", 2015 + n, 100 + n, 1_000, ""] for n in range(10)]
    rows[bad_at][2] = "-1"
    count_import, checked = preview(setup["hr"], csv_bytes(rows))
    assert sum(r.outcome == "error" for r in checked) == 1
    with pytest.raises(Refused):
        services.apply_count_import(
            actor=setup["hr"], count_import=count_import, file_sha256=count_import.file_sha256
        )
    assert not AnnualActivity.objects.exists()
    assert CountImport.objects.get().applied_at is None


def test_a_row_that_went_bad_since_the_preview_writes_nothing(setup):
    """Re-validation on confirm: the facility moved agency after the preview was drawn."""
    count_import, checked = preview(
        setup["hr"], csv_bytes([["DD1", 2023, 1, 1, ""], ["DD1", 2024, 2, 2, ""]])
    )
    assert {r.outcome for r in checked} == {"new"}
    setup["opwdd"].active = False
    setup["opwdd"].save()
    with pytest.raises(Refused):
        services.apply_count_import(
            actor=setup["hr"], count_import=count_import, file_sha256=count_import.file_sha256
        )
    assert not AnnualActivity.objects.exists()


def test_confirm_needs_the_matching_hash_and_the_uploader(setup):
    count_import, _rows = preview(setup["hr"], csv_bytes([["DD1", 2024, 1, 1, ""]]))
    with pytest.raises(Refused):
        services.apply_count_import(
            actor=setup["hr"], count_import=count_import, file_sha256="0" * 64
        )
    with pytest.raises(PermissionDenied):
        services.apply_count_import(
            actor=hr_user("OPWDD", username="other-hr"),
            count_import=count_import,
            file_sha256=count_import.file_sha256,
        )
    assert not AnnualActivity.objects.exists()


def test_applying_twice_is_refused(setup):
    count_import, _rows = preview(setup["hr"], csv_bytes([["DD1", 2024, 1, 1, ""]]))
    services.apply_count_import(
        actor=setup["hr"], count_import=count_import, file_sha256=count_import.file_sha256
    )
    with pytest.raises(Refused):
        services.apply_count_import(
            actor=setup["hr"], count_import=count_import, file_sha256=count_import.file_sha256
        )
    assert AnnualActivity.objects.count() == 1


def test_corrections_on_postgresql_write_every_column(setup):
    """The PostgreSQL UPDATE … FROM (VALUES …) path clears the review and bumps the version."""
    analyst = setup["analyst"]
    rows = [
        counts(setup["opwdd"], setup["hr"], year, 100, 1_000, accept_by=analyst)
        for year in (2021, 2022)
    ]
    count_import, _rows = preview(
        setup["hr"],
        csv_bytes([["DD1", 2021, 101, 1_000, ""], ["DD1", 2022, 100, 1_000, "new note"]]),
    )
    services.apply_count_import(
        actor=setup["hr"], count_import=count_import, file_sha256=count_import.file_sha256
    )
    first, second = (AnnualActivity.objects.get(pk=r.pk) for r in rows)
    assert (first.individuals_served, first.status, first.reviewed_by, first.version) == (
        101,
        "submitted",
        None,
        3,
    )
    assert first.submitted_by == setup["hr"]
    # Only the note changed: the accepted counts stay accepted.
    assert (second.methodology, second.status, second.reviewed_by) == (
        "new note",
        "accepted",
        analyst,
    )
