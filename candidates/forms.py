from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import VersionChecked
from common.templatetags.formats import nydate
from common.uploads import EVIDENCE, check_upload
from facilities.models import Agency

from .dates import date_problems, today_in_new_york
from .models import (
    VERIFICATION_DATES,
    Credential,
    CredentialStatus,
    ExperienceSpell,
    Person,
    Verification,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Evaluate as of"),
        widget=DateInput(),
        error_messages={"invalid": _("Enter a real date as YYYY-MM-DD, e.g. 2026-06-30.")},
    )

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value.year < 1950 or value.year > 2100:
            raise ValidationError(_("Pick a date between 1950 and 2100."))
        return value


class PersonForm(VersionChecked):
    class Meta:
        model = Person
        fields = [
            "agency",
            "given_name",
            "family_name",
            "employee_id",
            "email",
            "degree",
            "degree_date",
        ]
        widgets = {"degree_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving a person to another agency is not an edit: DCC does it in the admin.
            del self.fields["agency"]
        elif user.is_analyst:
            self.fields["agency"].queryset = Agency.objects.all()
        else:
            # Agency HR adds people to its own agency only: the choice is not theirs to make.
            del self.fields["agency"]
            self.instance.agency_id = user.agency_id


class CredentialForm(VersionChecked):
    class Meta:
        model = Credential
        fields = ["kind", "ahima_id", "awarded_on", "valid_through", "status"]
        widgets = {"awarded_on": DateInput(), "valid_through": DateInput()}
        help_texts = {
            "status": _("As the person reports it; DCC's verification records AHIMA's status."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A credential's kind is its identity: record a new credential instead.
            self.fields["kind"].disabled = True
            if self.instance.last_verified_on is not None:
                # Once verified, these follow the verifications.
                self.fields["status"].disabled = True
                self.fields["valid_through"].disabled = True


class ExperienceSpellForm(VersionChecked):
    class Meta:
        model = ExperienceSpell
        fields = ["employer", "title", "start", "end", "hours_per_week", "him", "note"]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's range check gives the clear message; no browser min/max surprises.
        self.fields["hours_per_week"].widget.attrs.update({"step": "0.25"})


class VerificationForm(forms.Form):
    """Record an AHIMA check; pre-filled from the credential's current facts."""

    source = forms.ChoiceField(label=_("Source"), choices=Verification.Source.choices)
    requested_on = forms.DateField(label=_("Requested on"), required=False, widget=DateInput())
    verified_on = forms.DateField(label=_("Verified on"), widget=DateInput())
    status_returned = forms.ChoiceField(
        label=_("AHIMA status returned"), choices=CredentialStatus.choices
    )
    valid_through_returned = forms.DateField(
        label=_("Valid through (as AHIMA returned it)"), required=False, widget=DateInput()
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most 10 MB: the AHIMA lookup or letter."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    corrects = forms.ModelChoiceField(
        label=_("Corrects an earlier verification"),
        queryset=Verification.objects.none(),
        required=False,
        empty_label=_("No: this is a new verification"),
        help_text=_("Verifications are never edited; a correction is recorded as a new one."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, credential: Credential, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "source": Verification.Source.AHIMA_ONLINE,
                "requested_on": credential.reverification_requested_on,
                "verified_on": today_in_new_york(),
                "status_returned": credential.status,
                "valid_through_returned": credential.valid_through,
                "version": credential.version,
            },
        )
        super().__init__(*args, **kwargs)
        corrects = cast(forms.ModelChoiceField, self.fields["corrects"])
        corrects.queryset = Verification.objects.filter(
            credential=credential, corrected_by__isnull=True
        ).order_by("-verified_on")
        corrects.label_from_instance = lambda v: (  # type: ignore[method-assign, assignment]  # Django's documented hook
            f"{nydate(v.verified_on)} · {v.get_source_display()} · {v.get_status_returned_display()}"
        )

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            check_upload(upload, EVIDENCE)  # raises ValidationError with a clear message
        return upload

    def clean(self):
        super().clean()
        data = self.cleaned_data
        # The model's rule for its dates (candidates.dates), before the service is asked.
        for field, problem in date_problems(VERIFICATION_DATES, data).items():
            self.add_error(field, problem)
        requested, verified = data.get("requested_on"), data.get("verified_on")
        if requested and verified and requested > verified:
            self.add_error(
                "requested_on", _("The request must be on or before the verification date.")
            )
        return data


class SpellDeleteForm(forms.Form):
    """The confirmation of a removal, carrying the version of the spell it was drawn from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_147_483_647)
