"""Registry filters: agency, type, warranted title, flags, and a text search."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from classification.standard import ADMINISTRATOR_1, ADMINISTRATOR_2, ADMINISTRATOR_3, title_for
from common.search import search_filter
from common.widgets import RowChoiceFilter

from .models import Agency, Facility

WARRANTED_CHOICES = [
    *(
        (code, title_for(code).short_name)
        for code in (ADMINISTRATOR_1, ADMINISTRATOR_2, ADMINISTRATOR_3)
    ),
    ("none", _("No automatic level")),
]


def agency_filter(field_name: str = "agency", **options) -> RowChoiceFilter:
    """The agency choice of every list: the agencies by code, the chosen one checked against
    the same rows the select draws (one query)."""
    return RowChoiceFilter(
        label=_("Agency"),
        field_name=field_name,
        queryset=Agency.objects.all(),
        label_field="code",
        **options,
    )


FLAG_CHOICES = [
    ("watch", _("On watch")),
    ("needs_review", _("Needs review")),
    ("unaccepted", _("Latest year not accepted")),
]


class FacilityFilter(django_filters.FilterSet):
    q = search_filter()
    agency = agency_filter(empty_label=_("All agencies"))
    facility_type = django_filters.ChoiceFilter(
        label=_("Type"),
        choices=Facility._meta.get_field("facility_type").choices,
        empty_label=_("All types"),
    )
    warranted = django_filters.ChoiceFilter(
        label=_("Warranted title"),
        choices=WARRANTED_CHOICES,
        method="by_warranted",
        empty_label=_("Any"),
    )
    flag = django_filters.ChoiceFilter(
        label=_("Flag"), choices=FLAG_CHOICES, method="by_flag", empty_label=_("Any")
    )
    drift = django_filters.ChoiceFilter(
        label=_("Drift"),
        choices=[
            ("any", _("Chief's title differs")),
            ("up", _("Warrants a higher title")),
            ("down", _("Warrants a lower title")),
        ],
        method="by_drift",
        empty_label=_("Any"),
    )
    active = django_filters.ChoiceFilter(
        label=_("Active"),
        choices=[("yes", _("Active")), ("no", _("Inactive"))],
        method="by_active",
        empty_label=_("Any"),
    )

    class Meta:
        model = Facility
        fields = ["q", "agency", "facility_type", "warranted", "flag", "drift", "active"]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and not user.is_dcc_staff:
            # HR sees one agency: the choice would only list agencies it may not see.
            del self.filters["agency"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(region__icontains=value)
        )

    def by_warranted(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(warranted_title_code="")
        return queryset.filter(warranted_title_code=value)

    def by_drift(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # `drift` is annotated by classification.reports.drift.with_drift (the registry's queryset).
        if value == "any":
            return queryset.exclude(drift="")
        return queryset.filter(drift=value)

    def by_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(active=value == "yes")

    def by_flag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "watch":
            return queryset.filter(trend_state="watch")
        if value == "needs_review":
            return queryset.filter(needs_review=True)
        if value == "unaccepted":
            return queryset.exclude(latest_activity__status="accepted")
        return queryset
