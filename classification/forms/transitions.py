"""The actions taken on a request (one form for every transition) and its attached files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities import roles

from ..effective_dates import effective_date_problems
from ..models import (
    MESSAGE_MAX_LENGTH,
    Attachment,
    ReclassificationRequest,
    Title,
    message_too_long,
)
from ..selectors import latest_title_change_on


class MessageField(forms.CharField):
    """A message typed with a step (a comment, reason, rationale or note): at most
    MESSAGE_MAX_LENGTH characters, and a longer one is told at the field how long it is and
    what the limit is. The browser is not given the limit (no `maxlength`): it would cut a
    pasted text short without a word, where the form keeps it whole and says what to do."""

    def __init__(self, *, rows: int = 3, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=MESSAGE_MAX_LENGTH, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def validate(self, value: Any) -> None:
        super().validate(value)
        # Before the validators, whose MaxLengthValidator would say it in its own words.
        problem = message_too_long(value)
        if problem:
            raise forms.ValidationError(problem, code="max_length")


class TransitionForm(forms.Form):
    """The confirmation of one action, with its message and the version it was drawn from."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    message = MessageField(required=False)

    def __init__(self, *args: Any, transition, reclassification, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["version"].initial = reclassification.version
        if transition.message_label:
            self.fields["message"].label = transition.message_label
            self.fields["message"].required = transition.message_required
        else:
            del self.fields["message"]
        action = transition.action
        if action == "assign":
            self.fields["analyst"] = forms.ModelChoiceField(
                label=_("Analyst"),
                queryset=get_user_model()
                .objects.filter(
                    is_active=True,
                    groups__name__in=roles.DCC_ROLES,
                )
                .distinct()
                .order_by("last_name", "first_name"),
            )
        elif action == "recommend":
            self.fields["recommendation"] = forms.ChoiceField(
                label=_("Recommendation"),
                choices=ReclassificationRequest.Recommendation.choices,
                widget=forms.RadioSelect,
                initial="approve",
            )
            self.fields["recommended_title"] = forms.ModelChoiceField(
                label=_("Approve as"),
                queryset=Title.objects.exclude(pk=reclassification.position.title_id),
                initial=reclassification.proposed_title_id,
                required=False,
                help_text=_("May differ from the proposed title."),
            )
        elif action == "approve":
            self.fields["effective_date"] = forms.DateField(
                label=_("Effective date"),
                widget=forms.DateInput(attrs={"type": "date"}),
                initial=reclassification.requested_effective_date or timezone.localdate(),
                help_text=_(
                    "On or after the request's submission (earlier only with a reason below), "
                    "at most a year ahead. A later date is recorded now and takes effect on "
                    "that day."
                ),
            )
            self.fields["retroactive_reason"] = MessageField(
                label=_("Reason for a retroactive date"),
                required=False,
                rows=2,
                help_text=_("Needed only when the effective date is before the submission."),
            )
        elif action in ("respond", "comment"):
            if action == "comment":
                self.fields["stance"] = forms.ChoiceField(
                    label=_("The agency's position"),
                    choices=ReclassificationRequest.Stance.choices,
                    widget=forms.RadioSelect,
                )
                self.fields["shared"] = forms.BooleanField(
                    label=_("Share this comment and its file with the employee"),
                    required=False,
                    help_text=_("Unshared, the employee sees only that the agency commented."),
                )
            self.fields["file"] = forms.FileField(
                label=_("Attach a file (optional)"), required=False
            )
            self.fields["kind"] = forms.ChoiceField(
                label=_("Kind of file"), choices=Attachment.Kind.choices, initial="other"
            )
        self.reclassification = reclassification
        self.order_fields(
            [
                "analyst",
                "recommendation",
                "recommended_title",
                "effective_date",
                "retroactive_reason",
                "stance",
            ]
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day = data.get("effective_date")
        if self.transition.action == "approve" and day is not None:
            r = self.reclassification
            for problem in effective_date_problems(
                day,
                today=timezone.localdate(),
                latest_change_on=latest_title_change_on(r.position),
                submitted_on=r.submitted_on,
                retroactive_reason=data.get("retroactive_reason") or "",
            ):
                self.add_error("effective_date", problem)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        kwargs: dict[str, Any] = {"expected_version": d["version"]}
        action = self.transition.action
        if "message" in d:
            kwargs["message"] = d["message"]
        if action == "assign":
            kwargs["analyst"] = d["analyst"]
        elif action == "recommend":
            kwargs["rationale"] = kwargs.pop("message")
            kwargs["recommendation"] = d["recommendation"]
            kwargs["recommended_title"] = d.get("recommended_title")
        elif action == "approve":
            kwargs["effective_date"] = d["effective_date"]
            kwargs["retroactive_reason"] = d.get("retroactive_reason", "")
        if action in ("respond", "comment") and d.get("file"):
            kwargs["files"] = [(d["kind"], d["file"])]
        if action == "comment":
            kwargs["stance"] = d["stance"]
            kwargs["shared"] = d["shared"]
        return kwargs


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Attachment.Kind.choices,
        widget=forms.Select(attrs={"class": "form-input"}),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, Word (DOCX) or Excel (XLSX), 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"}),
    )
