"""What the apps' forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

STALE_FORM = _(
    "This form is out of date, so nothing was saved. Reload the page, check the record and "
    "try again."
)


class VersionChecked(forms.ModelForm):
    """A ModelForm with the hidden `version` its service checks against the row (a stale form
    is refused, not saved). Editing, the version is required: without it the check would be
    skipped. A missing or malformed version is said above the form, since a hidden field's own
    errors show nowhere."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        editing = self.instance.pk is not None
        if "version" in self.errors or (editing and cleaned.get("version") is None):
            self.errors.pop("version", None)
            cleaned.pop("version", None)
            self.add_error(None, STALE_FORM)
        return cleaned
