"""Checking the rows read from an upload: the columns, each count and year, and what each row
would change."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from classification.allocation import sfy_label

from ..models import AnnualActivity, User, current_fiscal_year
from ..selectors import facilities_visible_to
from .reading import _shown

MAX_COUNT = 2_147_483_647  # PositiveIntegerField's ceiling on every database Django supports


MAX_COUNT_DIGITS = len(str(MAX_COUNT))


_SFY = re.compile(r"^(?:sfy\s*)?(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?$", re.IGNORECASE)


_WHOLE = re.compile(r"^-?(?:\d+|\d{1,3}(?:,\d{3})+)$")


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
