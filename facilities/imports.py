"""Reading and checking an upload of annual counts (CSV or XLSX). Reads only; no writes.

`parse_upload` turns a file into plain rows (JSON-safe, so a preview can be stored and checked
again on confirmation) or file-level errors; `validate_rows` classifies every row as new,
changed, unchanged or error against the database as it is now, with a reason a person can act on.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

import filetype
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from classification.allocation import sfy_label
from common.expansion import check_zip

from .models import AnnualActivity, User, current_fiscal_year
from .selectors import facilities_visible_to

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
# What an XLSX may inflate to. A 50,000-row counts sheet is about 8 MB of XML; a larger one
# is a zip bomb or not a counts file. (openpyxl parses a whole sheet that lacks a <dimension>
# before reading a row, so this also bounds the CPU one upload can take.)
MAX_XLSX_EXPANDED_BYTES = 25 * 1024 * 1024
MAX_XLSX_MEMBERS = 2000
MAX_COUNT = 2_147_483_647  # PositiveIntegerField's ceiling on every database Django supports
MAX_COUNT_DIGITS = len(str(MAX_COUNT))
SHOWN_CHARACTERS = 40  # of a value quoted back in a message
COLUMNS = ("facility_code", "fiscal_year", "individuals_served", "records_activities")
OPTIONAL_COLUMNS = ("methodology",)
# Headings people actually type, normalised (lower case, words joined by "_").
ALIASES = {
    "code": "facility_code",
    "facility": "facility_code",
    "sfy": "fiscal_year",
    "state_fiscal_year": "fiscal_year",
    "year": "fiscal_year",
    "individuals": "individuals_served",
    "activities": "records_activities",
    "health_records_activities": "records_activities",
    "methodology_note": "methodology",
}
_SFY = re.compile(r"^(?:sfy\s*)?(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?$", re.IGNORECASE)
_WHOLE = re.compile(r"^-?(?:\d+|\d{1,3}(?:,\d{3})+)$")


@dataclass
class ParsedFile:
    file_name: str
    sha256: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class CheckedRow:
    """One row of the file and what confirming would do with it."""

    line: int
    facility_code: str
    raw: dict[str, Any]
    fiscal_year: int | None = None
    individuals_served: int | None = None
    records_activities: int | None = None
    methodology: str = ""
    facility_id: int | None = None
    facility_name: str = ""
    existing: AnnualActivity | None = None
    errors: list[str] = field(default_factory=list)
    outcome: str = "error"  # new | changed | unchanged | error

    @property
    def year_label(self) -> str:
        return sfy_label(self.fiscal_year) if self.fiscal_year else str(self.raw.get("fiscal_year"))


def _heading(value: Any) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", str(value or "").strip().lower()).strip("_")
    return ALIASES.get(key, key)


def _cell(value: Any) -> Any:
    """JSON-safe cell: numbers stay numbers, everything else becomes trimmed text."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON (and so the stored preview) cannot hold inf or nan
    if isinstance(value, int | float):
        return value
    return str(value).strip()


def _shown(value: Any) -> str:
    """A value as a message quotes it: at most SHOWN_CHARACTERS of it."""
    text = str(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"


class _Unreadable(Exception):
    """The file cannot be read any further; `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_upload(file_name: str, data: bytes) -> ParsedFile:
    """Rows of a CSV or XLSX file keyed by column, or the errors that stop reading it."""
    parsed = ParsedFile(file_name=file_name[:200], sha256=hashlib.sha256(data).hexdigest())
    if len(data) > MAX_UPLOAD_BYTES:
        parsed.errors.append(
            _("The file is %(size).1f MB; the limit is 5 MB. Split it into smaller files.")
            % {"size": len(data) / 1024 / 1024}
        )
        return parsed
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    kind = filetype.guess(data)
    wrong_type = _(
        "This is not a CSV or XLSX file. Save the spreadsheet as CSV (UTF-8) or Excel "
        "Workbook (.xlsx) and upload that."
    )
    if extension == "xlsx" and kind is not None and kind.extension in {"xlsx", "zip"}:
        table = _read_xlsx(data, parsed)
    elif extension == "csv" and kind is None:
        table = _read_csv(data, parsed)
    else:
        parsed.errors.append(wrong_type)
        return parsed
    if table is None:
        return parsed
    rows = _rows_within_limit(table, parsed)
    if rows is None:
        return parsed
    if not rows:
        parsed.errors.append(_("The file is empty: it needs a heading row and rows of counts."))
        return parsed
    headings = [_heading(v) for v in rows[0][1]]
    missing = [c for c in COLUMNS if c not in headings]
    if missing:
        parsed.errors.append(
            _("Missing column: %(missing)s. The heading row needs %(all)s (and may have %(opt)s).")
            % {
                "missing": ", ".join(missing),
                "all": ", ".join(COLUMNS),
                "opt": ", ".join(OPTIONAL_COLUMNS),
            }
        )
        return parsed
    wanted = {
        h: i for i, h in reversed(list(enumerate(headings))) if h in COLUMNS + OPTIONAL_COLUMNS
    }
    for number, row in rows[1:]:
        values = {h: _cell(row[i]) if i < len(row) else "" for h, i in wanted.items()}
        values["line"] = number
        parsed.rows.append(values)
    return parsed


def _rows_within_limit(
    table: Iterable[list[Any]], parsed: ParsedFile
) -> list[tuple[int, list[Any]]] | None:
    """The non-blank rows (heading first) with their row numbers in the file, read one at a
    time and no further than the limit: a file of a million short rows is refused after
    MAX_ROWS + 1, never held whole in memory."""
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, row in enumerate(table, start=1):
            if not any(_cell(v) != "" for v in row):
                continue
            if len(rows) > MAX_ROWS:
                parsed.errors.append(
                    _(
                        "The file has more than %(max)s rows of counts; the limit is %(max)s. "
                        "Split it into smaller files."
                    )
                    % {"max": f"{MAX_ROWS:,}"}
                )
                return None
            rows.append((number, row))
    except csv.Error:
        parsed.errors.append(
            _("The CSV file could not be read (a cell is too long or a quote is unbalanced).")
        )
        return None
    except _Unreadable as unreadable:
        parsed.errors.append(unreadable.message)
        return None
    return rows


def _decode(data: bytes) -> str | None:
    """The text of a CSV: UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode
    text"), else Windows-1252, the superset of Latin-1 that Excel on Windows writes."""
    encodings = ["utf-8-sig", "cp1252"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(data: bytes, parsed: ParsedFile) -> Iterator[list[Any]] | None:
    text = _decode(data)
    if text is None:
        parsed.errors.append(_("The CSV file is not text. Save it as CSV (UTF-8)."))
        return None
    if "\x00" in text:
        parsed.errors.append(_("The CSV file is not text. Save it as CSV (UTF-8)."))
        return None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text), dialect)


def _not_a_workbook(why: str) -> str:
    return _(
        "This file is not a readable Excel workbook: %(why)s. Open it in Excel, save it again "
        "as Excel Workbook (.xlsx) and upload the new copy."
    ) % {"why": why}


def _read_xlsx(data: bytes, parsed: ParsedFile) -> Iterator[list[Any]] | None:
    from openpyxl import load_workbook

    try:
        # What the members really inflate to, not what their headers say (common.expansion).
        check_zip(
            io.BytesIO(data), max_expanded=MAX_XLSX_EXPANDED_BYTES, max_members=MAX_XLSX_MEMBERS
        )
    except zipfile.BadZipFile:
        pass  # openpyxl says below that it cannot read it
    except ValidationError as refused:
        parsed.errors.extend(refused.messages)
        return None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        parsed.errors.append(_not_a_workbook(_("it could not be opened")))
        return None
    return _sheet_rows(workbook, sheet)


def _sheet_rows(workbook: Any, sheet: Any) -> Iterator[list[Any]]:
    """The sheet's rows; what openpyxl cannot read becomes _Unreadable, naming the row.

    openpyxl turns a number cell's text into a number while it reads the row, so text there,
    or more digits than Python converts (4,300), stops the reading at that row. Read-only
    sheets yield every row from the first, so the row that failed is the one after the rows
    read.
    """
    read = 0
    try:
        for row in sheet.iter_rows(values_only=True):
            read += 1
            yield list(row)
    except (ValueError, OverflowError):
        raise _Unreadable(
            _(
                "Row %(row)s: a cell marked as a number holds something that is not one (text, "
                "or a number with far too many digits). Type the row's numbers again as plain "
                "numbers, save the file and upload it again."
            )
            % {"row": read + 1}
        ) from None
    except (ParseError, ExpatError):
        raise _Unreadable(_not_a_workbook(_("its sheet is cut short or damaged"))) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError):
        raise _Unreadable(_not_a_workbook(_("part of it is damaged"))) from None
    finally:
        workbook.close()


def _whole(value: Any, label: str, errors: list[str]) -> int | None:
    """A count: a whole number from 0 to MAX_COUNT, as a number or as text ("2,500")."""
    if value == "" or value is None:
        errors.append(_("%(label)s is missing.") % {"label": label})
        return None
    too_large = _(
        "%(label)s must be a whole number of at most %(digits)s digits (%(max)s at most)."
    ) % {
        "label": label,
        "digits": MAX_COUNT_DIGITS,
        "max": f"{MAX_COUNT:,}",
    }
    if isinstance(value, float):
        if not value.is_integer():
            errors.append(
                _("%(label)s is not a whole number: %(v)s.") % {"label": label, "v": _shown(value)}
            )
            return None
        if abs(value) > MAX_COUNT:
            errors.append(too_large)
            return None
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(" ", "")
        if not _WHOLE.match(text):
            errors.append(
                _("%(label)s is not a whole number: “%(v)s”.")
                % {"label": label, "v": _shown(value)}
            )
            return None
        # Counted before int(): Python refuses to convert more than 4,300 digits.
        digits = text.replace(",", "").lstrip("-").lstrip("0")
        if len(digits) > MAX_COUNT_DIGITS:
            errors.append(too_large)
            return None
        number = int(digits or "0") * (-1 if text.startswith("-") else 1)
    if number < 0:
        errors.append(
            _("%(label)s cannot be negative: %(v)s.") % {"label": label, "v": _shown(number)}
        )
        return None
    if number > MAX_COUNT:
        errors.append(too_large)
        return None
    return number


def _year(value: Any, errors: list[str], latest: int) -> int | None:
    if value == "" or value is None:
        errors.append(_("The fiscal year is missing."))
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    match = _SFY.match(str(value).strip())
    year = int(match.group(1)) if match else None
    if year is not None and match and match.group(2):
        end = match.group(2)
        if int(end[-2:]) != (year + 1) % 100:
            year = None
    if year is None:
        errors.append(
            _("The fiscal year “%(v)s” is not a year such as 2024 or SFY 2024-25.")
            % {"v": _shown(value)}
        )
        return None
    if not 1990 <= year <= 2100:
        errors.append(_("The fiscal year %(v)s is outside 1990 to 2100.") % {"v": year})
        return None
    if year > latest:
        errors.append(_("%(year)s has not started yet.") % {"year": sfy_label(year)})
        return None
    return year


def validate_rows(
    user: User, rows: list[dict[str, Any]], *, lock: bool = False
) -> list[CheckedRow]:
    """Check every row against the database now; `lock` holds the rows touched (to apply).

    A few queries for the whole file: the facilities named, then their existing years.
    """
    latest = current_fiscal_year()
    codes = {str(r.get("facility_code", "")).strip() for r in rows} - {""}
    # Only the facilities the user may report for: another agency's code must read exactly
    # as a code nobody uses, or the import would tell Agency HR which codes exist.
    facilities_qs = (
        facilities_visible_to(user).select_related(None).filter(code__in=codes).order_by("pk")
    )
    if lock:
        facilities_qs = facilities_qs.select_for_update(of=("self",))
    facilities = {f.code: f for f in facilities_qs}
    checked: list[CheckedRow] = []
    seen: dict[tuple[str, int], int] = {}
    for raw in rows:
        code = str(raw.get("facility_code", "")).strip()
        row = CheckedRow(line=int(raw["line"]), facility_code=code, raw=raw)
        errors = row.errors
        facility = facilities.get(code)
        if not code:
            errors.append(_("The facility code is missing."))
        elif facility is None:
            errors.append(
                _(
                    "Unknown facility code “%(c)s”: none of the facilities you report counts "
                    "for has it."
                )
                % {"c": _shown(code)}
            )
        elif not facility.active:
            errors.append(_("%(name)s is inactive: counts are not taken.") % {"name": facility})
        row.fiscal_year = _year(raw.get("fiscal_year"), errors, latest)
        row.individuals_served = _whole(
            raw.get("individuals_served"), _("Individuals served"), errors
        )
        row.records_activities = _whole(
            raw.get("records_activities"), _("Records activities"), errors
        )
        methodology = raw.get("methodology")
        row.methodology = "" if methodology is None else str(methodology).strip()
        if facility is not None:
            row.facility_id = facility.pk
            row.facility_name = facility.name
        if code and row.fiscal_year is not None:
            key = (code, row.fiscal_year)
            if key in seen:
                errors.append(
                    _("Duplicate row: row %(first)s already gives %(code)s for %(year)s.")
                    % {"first": seen[key], "code": code, "year": sfy_label(row.fiscal_year)}
                )
            else:
                seen[key] = row.line
        checked.append(row)
    _classify(checked, lock=lock)
    return checked


def _classify(checked: list[CheckedRow], *, lock: bool) -> None:
    """new / changed / unchanged for the rows without errors, from one query of existing years."""
    keys = {(r.facility_id, r.fiscal_year) for r in checked if r.facility_id and r.fiscal_year}
    existing: dict[tuple[int | None, int | None], AnnualActivity] = {}
    if keys:
        query = Q(facility_id__in={k[0] for k in keys}, fiscal_year__in={k[1] for k in keys})
        qs = AnnualActivity.objects.filter(query).order_by("pk")
        if lock:
            qs = qs.select_for_update()
        existing = {(a.facility_id, a.fiscal_year): a for a in qs}
    for row in checked:
        if row.errors:
            row.outcome = "error"
            continue
        current = existing.get((row.facility_id, row.fiscal_year))
        row.existing = current
        if current is None:
            row.outcome = "new"
            continue
        # A blank methodology keeps the note already on file (a file of bare counts is common).
        if not row.methodology:
            row.methodology = current.methodology
        same = (
            current.individuals_served == row.individuals_served
            and current.records_activities == row.records_activities
            and current.methodology == row.methodology
        )
        row.outcome = "unchanged" if same else "changed"
