"""The registry table and the rows its CSV/XLSX export writes."""

from collections.abc import Iterable, Iterator
from typing import Any

import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from classification.standard import FACILITY_TYPES, title_for

from .models import AnnualActivity, Facility


class BoundedPaginator(Paginator):
    """A paginator for the lists: ?per_page= is the user's to choose, but only from 1 to 200.

    django-tables2 passes whatever number the query string holds; 0 or -1 would make it fail
    (a 500) and a million would render every row on one page.
    """

    MAX_PER_PAGE = 200

    def __init__(
        self, object_list, per_page, *args: Any, count: int | None = None, **kwargs: Any
    ) -> None:
        per_page = min(max(int(per_page), 1), self.MAX_PER_PAGE)
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            # Counted already (the queue's tab counts): no COUNT(*) of its own.
            self.count = count


# What activity.get_status_display() shows, without rebuilding the choices (lazy
# translations) for every row.
ACTIVITY_STATUS_LABELS = dict(AnnualActivity.Status.choices)
ACTIVITY_INTENTS = {"accepted": "success", "submitted": "neutral"}  # else "warning"


def title_name(code: str) -> str:
    return title_for(code).short_name if code else ""


class FacilityTable(tables.Table):
    """The registry's headers and sorting; its cells are written in
    templates/tables/facilities.html (with the filters of facilities/templatetags/registry.py,
    which call the functions below)."""

    name = tables.Column(verbose_name=_("Facility"))
    code = tables.Column(verbose_name=_("Code"))
    agency = tables.Column(accessor="agency__code", verbose_name=_("Agency"))
    facility_type = tables.Column(verbose_name=_("Type"))
    latest_year = tables.Column(
        accessor="latest_activity__fiscal_year", verbose_name=_("Latest year")
    )
    individuals = tables.Column(
        accessor="latest_activity__individuals_served",
        verbose_name=_("Individuals served"),
        attrs={"th": {"class": "align-end"}},
    )
    activities = tables.Column(
        accessor="latest_activity__records_activities",
        verbose_name=_("Records activities"),
        attrs={"th": {"class": "align-end"}},
    )
    warranted = tables.Column(accessor="warranted_title_code", verbose_name=_("Warranted title"))
    flags = tables.Column(
        accessor="trend_state", verbose_name=_("Flags"), order_by=("trend_state", "needs_review")
    )
    drift = tables.Column(verbose_name=_("Drift"))

    class Meta:
        model = Facility
        fields = ()
        sequence = (
            "name",
            "code",
            "agency",
            "facility_type",
            "latest_year",
            "individuals",
            "activities",
            "warranted",
            "flags",
            "drift",
        )
        order_by = ("name",)
        attrs = {"class": "data-table", "aria-label": _("Facilities")}
        empty_text = _("No facility matches these filters.")
        template_name = "tables/facilities.html"


def latest_year_cell(activity: AnnualActivity | None) -> str:
    """The latest year's label and its status as a badge, or a dash."""
    if activity is None:
        return "—"
    return format_html(
        '{} <nys-badge intent="{}" label="{}"></nys-badge>',
        activity.fiscal_year_label,
        ACTIVITY_INTENTS.get(activity.status, "warning"),
        ACTIVITY_STATUS_LABELS.get(activity.status, activity.status),
    )


def flag_badges(record: Facility) -> str:
    """Watch and needs-review as badges, or a dash."""
    badges = []
    if record.trend_state == "watch":
        badges.append(
            format_html('<nys-badge intent="warning" label="{}"></nys-badge>', _("Watch"))
        )
    if record.needs_review:
        badges.append(
            format_html('<nys-badge intent="warning" label="{}"></nys-badge>', _("Needs review"))
        )
    return format_html(" ".join(["{}"] * len(badges)), *badges) if badges else "—"


def drift_text(record: Facility) -> str:
    """'up'/'down' as words, from the `drift` annotation (classification.reports.drift.with_drift)."""
    drift = getattr(record, "drift", "")
    if drift == "up":
        return str(_("Warrants higher"))
    if drift == "down":
        return str(_("Warrants lower"))
    return ""


def export_flags(record: Facility) -> str:
    flags = []
    if record.trend_state == "watch":
        flags.append(str(_("watch")))
    if record.needs_review:
        flags.append(str(_("needs review")))
    return ", ".join(flags)


EXPORT_HEADER = (
    _("Facility"),
    _("Code"),
    _("Agency"),
    _("Type"),
    _("Region"),
    _("Active"),
    _("Latest year"),
    _("Status"),
    _("Individuals served"),
    _("Records activities"),
    _("Warranted title"),
    _("Determination year"),
    _("Confirmation"),
    _("Flags"),
    _("Drift"),
)


def export_rows(facilities: Iterable[Facility]) -> Iterator[list[Any]]:
    for f in facilities:
        a = f.latest_activity
        yield [
            f.name,
            f.code,
            f.agency.code,
            FACILITY_TYPES[f.facility_type],
            f.region,
            str(_("yes")) if f.active else str(_("no")),
            a.fiscal_year_label if a else "",
            a.get_status_display() if a else "",
            a.individuals_served if a else "",
            a.records_activities if a else "",
            title_name(f.warranted_title_code),
            f.determination_year or "",
            f.get_trend_state_display() if f.trend_state else "",
            export_flags(f),
            drift_text(f),
        ]
