"""Filing an appeal and acting on it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import appeal_workflow as aw
from ..models import Title
from .transitions import MessageField


class AppealFileForm(forms.Form):
    """Recording an appeal: the grounds, and up to two files (the upload checks of a request's
    attachments apply)."""

    grounds = MessageField(
        label=_("Grounds for the appeal"),
        rows=6,
        help_text=_("Why the decision should be changed: the duties, facts or clauses at issue."),
    )
    file = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("PDF, PNG, JPEG, Word (DOCX) or Excel (XLSX), 10 MB at most."),
    )
    file_2 = forms.FileField(label=_("Another file (optional)"), required=False)

    def files_to_store(self) -> list:
        return [f for f in (self.cleaned_data.get("file"), self.cleaned_data.get("file_2")) if f]


class AppealTransitionForm(forms.Form):
    """The confirmation of one step of an appeal, with the version it was drawn from."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    message = MessageField(required=False, rows=4)

    def __init__(self, *args: Any, transition, appeal, **kwargs: Any) -> None:

        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["version"].initial = appeal.version
        self.fields["message"].label = transition.message_label
        self.fields["message"].required = transition.message_required
        if transition.action == "decide":
            self.fields["outcome"] = forms.ChoiceField(
                label=_("The Commission's decision"),
                choices=list(aw.OUTCOME_LABELS.items()),
                widget=forms.RadioSelect,
            )
            self.fields["decided_on"] = forms.DateField(
                label=_("Date of the Commission's decision"),
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields["outcome_title"] = forms.ModelChoiceField(
                label=_("Title the Commission gave (a modification only)"),
                queryset=Title.objects.all(),
                required=False,
            )
            self.fields["effective_on"] = forms.DateField(
                label=_("Effective date of the title change"),
                widget=forms.DateInput(attrs={"type": "date"}),
                required=False,
                help_text=_("For a modification or reversal; blank: the Commission's date."),
            )
            self.order_fields(["outcome", "decided_on", "outcome_title", "effective_on"])

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        kwargs: dict[str, Any] = {"expected_version": d["version"], "message": d["message"]}
        if self.transition.action == "decide":
            kwargs.update(
                outcome=d["outcome"],
                decided_on=d["decided_on"],
                outcome_title=d.get("outcome_title"),
                effective_on=d.get("effective_on"),
            )
        return kwargs
