"""Filters for the queue and the positions list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from candidates.models import Person
from common.search import AnyOf, as_id, narrow_ids, search_filter, uses_trigrams
from common.widgets import RowChoiceFilter
from facilities.filters import agency_filter
from facilities.models import Facility

from .models import Position, ReclassificationRequest, Title
from .workflow import OPEN_STATUSES, STATUS_LABELS

YES_NO_ANY = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class FacilitySearchFilter(django_filters.CharFilter):
    """A facility typed by name or code, not chosen from a <select> of every facility (2,000
    options, 100 KB a page). A number is read as a facility's id, as the select sent it, so
    saved filters and links keep working. Scoped like the select was: `facilities` is the
    queryset the user may see."""

    def __init__(self, *, facility_field: str, **kwargs) -> None:
        kwargs.setdefault("label", _("Facility"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "search", "placeholder": _("Name or code"), "autocomplete": "off"}
            ),
        )
        super().__init__(method=self.filter_facility, **kwargs)
        self.facility_field = facility_field
        self.facilities = Facility.objects.all()

    def filter_facility(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        pk = as_id(value)
        facilities = self.facilities.filter(
            Q(pk=pk) if pk is not None else Q(name__icontains=value) | Q(code__iexact=value)
        )
        return queryset.filter(**{f"{self.facility_field}__in": facilities})


class ReclassificationFilter(django_filters.FilterSet):
    q = search_filter()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=list(STATUS_LABELS.items()))
    agency = agency_filter()
    facility = FacilitySearchFilter(facility_field="position__facility")
    proposed_title = RowChoiceFilter(
        label=_("Proposed title"), queryset=Title.objects.all(), label_field="name"
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"), method="filter_overdue", widget=forms.Select(choices=YES_NO_ANY)
    )

    class Meta:
        model = ReclassificationRequest
        fields = ["q", "status", "agency", "facility", "proposed_title", "overdue"]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        facilities = Facility.objects.only("pk", "name", "agency_id")
        if user is not None and not user.is_dcc_staff:
            del self.filters["agency"]
            facilities = facilities.filter(agency_id=user.agency_id)
        self.filters["facility"].facilities = facilities

    def filter_overdue(self, queryset, name, value):
        if value:
            # Only open requests can be overdue: saying so lets the status index narrow the
            # rows before the computed turnaround is compared.
            return queryset.filter(status__in=OPEN_STATUSES, is_overdue=True)
        return queryset.filter(is_overdue=False)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        pk = as_id(value)
        requests = ReclassificationRequest.objects.all()
        facilities = Facility.objects.filter(Q(name__icontains=value) | Q(code__iexact=value))
        arms = [
            requests.filter(position__item_number__icontains=value),
            requests.filter(position__facility__in=facilities),
            requests.filter(justification__icontains=value),
        ]
        if pk is not None:
            arms.append(requests.filter(pk=pk))
        ids = narrow_ids(*arms) if uses_trigrams(value) else None
        if ids is not None:
            # One indexed query per table, run once (common.search).
            return queryset.filter(AnyOf(F("pk"), ids))
        # One pass over the requests (common.search).
        positions = Position.objects.filter(
            Q(item_number__icontains=value) | Q(facility__in=facilities)
        )
        q = Q(position__in=positions) | Q(justification__icontains=value)
        return queryset.filter(q | Q(pk=pk) if pk is not None else q)


class PositionFilter(django_filters.FilterSet):
    q = search_filter()
    agency = agency_filter("facility__agency")
    facility = FacilitySearchFilter(facility_field="facility")
    title = RowChoiceFilter(label=_("Title"), queryset=Title.objects.all(), label_field="name")
    active = django_filters.BooleanFilter(
        label=_("Active"), widget=forms.Select(choices=YES_NO_ANY)
    )

    class Meta:
        model = Position
        fields = ["q", "agency", "facility", "title", "active"]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        facilities = Facility.objects.only("pk", "name", "agency_id")
        if user is not None and not user.is_dcc_staff:
            del self.filters["agency"]
            facilities = facilities.filter(agency_id=user.agency_id)
        self.filters["facility"].facilities = facilities

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # One pass over the positions, whatever the term (common.search).
        return queryset.filter(
            Q(item_number__icontains=value)
            | Q(facility__in=Facility.objects.filter(name__icontains=value))
            | Q(incumbent__in=Person.objects.filter(family_name__icontains=value))
        )
