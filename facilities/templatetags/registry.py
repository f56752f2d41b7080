"""Filters for the registry's cells (templates/tables/facilities.html)."""

from __future__ import annotations

from django import template

from classification.standard import FACILITY_TYPES
from facilities import tables
from facilities.models import AnnualActivity, Facility

register = template.Library()


@register.filter
def facility_type_label(code: str) -> str:
    """What get_facility_type_display() shows, without rebuilding the field's choices."""
    return str(FACILITY_TYPES.get(code, code))


@register.filter
def thousands(value: int | str | None) -> str:
    """1,771; a dash for no count (or no year: the template's lookup then gives "")."""
    return "—" if value is None or value == "" else f"{value:,}"


@register.filter
def warranted_title(code: str) -> str:
    return tables.title_name(code) if code else "—"


@register.filter
def latest_year(activity: AnnualActivity | None) -> str:
    return tables.latest_year_cell(activity)


@register.filter
def flags(facility: Facility) -> str:
    return tables.flag_badges(facility)


@register.filter
def drift(facility: Facility) -> str:
    return tables.drift_text(facility) or "—"
