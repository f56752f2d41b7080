"""Reading an upload of annual counts: a CSV or an Excel workbook, within its limits, into rows."""

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
from django.utils.translation import gettext as _

from common.expansion import check_zip

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


MAX_ROWS = 50_000


# What an XLSX may inflate to. A 50,000-row counts sheet is about 8 MB of XML; a larger one
# is a zip bomb or not a counts file. (openpyxl parses a whole sheet that lacks a <dimension>
# before reading a row, so this also bounds the CPU one upload can take.)
MAX_XLSX_EXPANDED_BYTES = 25 * 1024 * 1024


MAX_XLSX_MEMBERS = 2000


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


@dataclass
class ParsedFile:
    file_name: str
    sha256: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


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
    if len(rows) == 1:
        parsed.errors.append(
            _(
                "The file has headings but no rows of counts. Add a row for each facility "
                "under the heading row, then upload it again."
            )
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
