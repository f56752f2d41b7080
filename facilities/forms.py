"""Forms for count entry, review and import. They check shape; the services decide."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import roles
from .imports.reading import MAX_UPLOAD_BYTES
from .models import Delegation, User
from .models.delegations import last_day_problem


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the user name's length actually enforced.

    AuthenticationForm only copies the model's max_length onto the field after the field is
    built, so no validator checks it and any length reaches authenticate(). There django-axes
    records the failed name in a 255-character column, which PostgreSQL refuses with an error.
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if limit and len(username) > limit:
            raise forms.ValidationError(
                _("A user name has at most %(limit)d characters."),
                code="max_length",
                params={"limit": limit},
            )
        return username


class CountsForm(forms.Form):
    """A year's counts for one facility: new, or a correction when `version` is set."""

    fiscal_year = forms.IntegerField(
        label=_("State fiscal year (start year)"),
        min_value=1990,
        max_value=2100,
        help_text=_("The year the fiscal year starts on April 1: 2025 for SFY 2025-26."),
    )
    individuals_served = forms.IntegerField(
        label=_("Individuals served"),
        min_value=0,
        help_text=_("Unduplicated people served in the year."),
    )
    records_activities = forms.IntegerField(
        label=_("Health records activities"),
        min_value=0,
        help_text=_("Health records activities performed in the year."),
    )
    methodology = forms.CharField(
        label=_("Methodology note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the counts were taken (source system, date range, exclusions)."),
    )
    note = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you correct a year that already has counts."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, correcting: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if correcting:
            # The year is what is being corrected: it cannot change on the correction form.
            self.fields["fiscal_year"].widget = forms.HiddenInput()
            self.fields["note"].required = True


class ReviewForm(forms.Form):
    """Accept or dispute one year's counts."""

    action = forms.ChoiceField(choices=[("accept", _("Accept")), ("dispute", _("Dispute"))])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to dispute: say what is wrong."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("action") == "dispute" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say what is wrong with these counts."))
        return cleaned


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Counts file (CSV or XLSX, up to 5 MB)"),
        help_text=_(
            "Columns: facility_code, fiscal_year, individuals_served, records_activities, and "
            "optionally methodology. One row per facility and year."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        # Refuse before reading it into memory.
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is 5 MB. Split it into smaller files.")
                % {"size": uploaded.size / 1024 / 1024}
            )
        return uploaded


class ImportConfirmForm(forms.Form):
    file_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


# --- delegations ------------------------------------------------------------------------------


class _DateInput(forms.DateInput):
    input_type = "date"


def _dcc_staff():

    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=roles.ANALYST) | Q(groups__name=roles.SUPERVISOR))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class DelegationDatesForm(forms.Form):
    """The days a delegation covers (New York dates, both included) and a note."""

    starts_on = forms.DateField(label=_("First day"), widget=_DateInput)
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=_DateInput,
        help_text=_(
            "Both days are included; each day runs midnight to midnight, New York time. "
            "At most a year after the first day."
        ),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example “annual leave”."),
    )

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day is before the first day."))
        elif starts_on and ends_on and (too_long := last_day_problem(starts_on, ends_on)):
            self.add_error("ends_on", too_long)
        return data


class DelegationForm(DelegationDatesForm):
    """Name someone to act for a supervisor, or to cover an analyst's queue."""

    field_order = ["kind", "delegator", "delegate", "starts_on", "ends_on", "note"]

    kind = forms.ChoiceField(label=_("What for"), choices=())
    # The querysets are set per user in __init__ (who may name whom).
    delegator: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Who is away"), queryset=None
    )
    delegate: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Who acts for them"), queryset=None
    )

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Delegation.Kind.choices
        self.fields["kind"].help_text = _(
            "An acting supervisor approves, denies and returns recommendations; a covering "
            "analyst works the requests assigned to the analyst who is away."
        )
        self.fields["delegator"].queryset = _dcc_staff()
        self.fields["delegate"].queryset = _dcc_staff()

    def clean(self):
        data = super().clean()
        if data.get("delegator") and data.get("delegator") == data.get("delegate"):
            self.add_error("delegate", _("Nobody can act for themselves: choose someone else."))
        return data


class DelegationChangeForm(DelegationDatesForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class DelegationEndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
