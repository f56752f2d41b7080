"""Forms for count entry, review and import. They check shape; the services decide."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .imports import MAX_UPLOAD_BYTES


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
