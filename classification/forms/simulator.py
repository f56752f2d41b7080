"""The standard's simulator: a facility's counts typed in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..standard import FACILITY_TYPES

# Far above any State facility; keeps a typo from becoming a 20-digit number on the page.
MAX_COUNT = 10_000_000


class SimulatorForm(forms.Form):
    """What-if inputs: a facility type and its annual counts (GET; nothing is saved)."""

    facility_type = forms.ChoiceField(
        label=_("Facility type"), choices=list(FACILITY_TYPES.items())
    )
    individuals_served = forms.IntegerField(
        label=_("Individuals served in the year"),
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        help_text=_("Unduplicated people served in the state fiscal year."),
    )
    records_activities = forms.IntegerField(
        label=_("Health records activities in the year"),
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
    )
