import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from common.search import among, search_filter
from facilities.filters import agency_filter
from facilities.models import Agency

from .dates import today_in_new_york
from .models import Credential, CredentialKind, Person
from .selectors import filter_people_by_verification


class PersonFilter(django_filters.FilterSet):
    """Filters of /people/. The agency choices are limited to the agencies the user may see."""

    q = search_filter()
    agency = agency_filter(empty_label=_("All agencies"))
    kind = django_filters.ChoiceFilter(
        label=_("Credential"),
        choices=CredentialKind.choices,
        method="filter_kind",
        empty_label=_("Any credential"),
    )
    verification = django_filters.ChoiceFilter(
        label=_("Verification"),
        choices=[
            ("verified", _("Verified (within the allowed age)")),
            ("stale", _("Stale (verified too long ago)")),
            ("never", _("Never verified")),
            ("expiring", _("Expiring within 60 days")),
            ("none", _("No credential on record")),
        ],
        method="filter_verification",
        empty_label=_("Any"),
    )

    class Meta:
        model = Person
        fields = ["q", "agency", "kind", "verification"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not user.is_analyst:
            self.filters["agency"].queryset = Agency.objects.filter(pk=user.agency_id)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-input"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        own = (
            Q(given_name__icontains=value)
            | Q(family_name__icontains=value)
            | Q(employee_id__icontains=value)
            | Q(email__icontains=value)
        )
        ahima = Credential.objects.filter(ahima_id__iexact=value)
        # One OR on the people, the AHIMA ids' people as an array (common.search).
        return queryset.filter(own | among("pk", ahima, value, key="person"))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(Exists(Credential.objects.filter(person=OuterRef("pk"), kind=value)))

    def filter_verification(self, queryset, name, value):
        return filter_people_by_verification(queryset, value, today_in_new_york())
