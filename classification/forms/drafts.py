"""What a request's draft takes in: the position picked, the proposed title, the duties, and
the employee's own request (form CC-2E)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from candidates.models import Person
from common.forms import VersionChecked
from common.search import as_id
from facilities.models import Facility

from ..effective_dates import effective_date_problems
from ..models import (
    DRAFT_TEXT_MAX_LENGTHS,
    DUTY_MAX_LENGTH,
    Position,
    ReclassificationRequest,
    Title,
    message_too_long,
)
from ..selectors import latest_title_change_on

DUTY_ROWS = 8


# The most positions the picker lists for one search (an agency holds thousands).
POSITION_RESULTS = 20

# The most staff of one kind a request may say the position supervises. The column holds
# 32,767, which only the database would refuse (an alert above the form); an HIM office has
# nowhere near 999 of anyone, so a larger number is a slip of the keyboard, said at the field.
MOST_SUPERVISED = 999
SUPERVISION_FIELDS = ("technicians_1_supervised", "technicians_2_supervised", "clerical_supervised")


class PositionPicker(forms.Widget):
    """Type to search, then choose one position: never a <select> of every position.

    A search box asks `classification:position_search` (htmx) for at most POSITION_RESULTS
    matches, shown as radio buttons named like the field; the chosen one stays on the page when
    the form comes back with errors. Without JavaScript the Find button sends the search as a
    GET of the same page, which lists the matches the same way.
    """

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.queryset = None
        self.query = ""
        self.results: list[Position] = []

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> SafeString:
        chosen = None
        if value not in (None, "") and self.queryset is not None:
            pk = as_id(str(value).strip())
            if pk is not None:
                chosen = self.queryset.filter(pk=pk).first()
        results = [p for p in self.results if chosen is None or p.pk != chosen.pk]
        return render_to_string(
            "classification/_position_picker.html",
            {
                "name": name,
                "id": (attrs or {}).get("id", f"id_{name}"),
                "chosen": chosen,
                "results": results,
                "query": self.query,
                "search_url": reverse("classification:position_search"),
                "warranted_url": reverse("classification:warranted_fragment"),
                "limit": POSITION_RESULTS,
            },
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)


def search_positions(positions, query: str) -> list[Position]:
    """At most POSITION_RESULTS of `positions` whose item number, facility name or code, or
    incumbent's family name contains `query` (an empty query lists none)."""
    query = query.strip()[:200]
    if not query:
        return []
    matches = positions.filter(
        Q(item_number__icontains=query)
        | Q(facility__in=Facility.objects.filter(Q(name__icontains=query) | Q(code__iexact=query)))
        | Q(incumbent__in=Person.objects.filter(family_name__icontains=query))
    )
    return list(matches.order_by("facility__name", "item_number")[:POSITION_RESULTS])


def titles_other_than(title_id: int | None):
    """The titles a request may propose: every title but the position's current one."""
    qs = Title.objects.all()
    return qs.exclude(pk=title_id) if title_id else qs


def _supervised_count(model_field: forms.Field) -> forms.IntegerField:
    """The model's count field, bounded to what an HIM office could have."""
    return forms.IntegerField(
        label=model_field.label,
        required=model_field.required,
        initial=model_field.initial,
        help_text=model_field.help_text,
        min_value=0,
        max_value=MOST_SUPERVISED,
        error_messages={
            "max_value": _(
                "Enter %(most)s or fewer. No HIM office has more staff than that, so a larger "
                "number is likely a typing slip: check it and enter it again."
            )
            % {"most": MOST_SUPERVISED}
        },
    )


class ReclassificationDraftForm(VersionChecked):
    """The agency's draft: the request's own fields plus up to DUTY_ROWS duties."""

    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReclassificationRequest
        fields = [
            "position",
            "proposed_title",
            "requested_effective_date",
            "justification",
            "purpose",
            "reporting_relationships",
            "technicians_1_supervised",
            "technicians_2_supervised",
            "clerical_supervised",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            "requested_effective_date": forms.DateInput(attrs={"type": "date"}),
            "justification": forms.Textarea(attrs={"rows": 4}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "reporting_relationships": forms.Textarea(attrs={"rows": 2}),
        }

    # The help beside the fields, written for whoever fills this form in (agency HR here; the
    # employee's form has its own). Set before anything reads a field: a bound field keeps
    # the help text it was first drawn with (`chosen_position` draws the position's).
    field_help: dict[str, Any] = {
        "position": _(
            "Type an item number, a facility or the incumbent's family name, then choose "
            "the position. Only your agency's positions with no open request are listed."
        ),
        "requested_effective_date": _(
            "Optional. Not before the position's latest title change and at most a year "
            "ahead; a date before the submission needs the supervisor's reason to approve."
        ),
    }

    def __init__(self, *args: Any, positions=None, position_query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, help_text in self.field_help.items():
            if name in self.fields:
                self.fields[name].help_text = help_text
        current_title_id = None
        if self.instance.pk:
            del self.fields["position"]
            del self.fields["creation_token"]
            current_title_id = self.instance.position.title_id
        else:
            field = cast(forms.ModelChoiceField, self.fields["position"])
            field.queryset = positions
            picker = PositionPicker()
            picker.queryset = positions
            picker.query = position_query
            picker.results = search_positions(positions, position_query)
            field.widget = picker
            self.fields["creation_token"].initial = uuid.uuid4()
            chosen = self.chosen_position()
            current_title_id = chosen.title_id if chosen is not None else None
        # Only titles that differ from the position's current one (the request would change
        # nothing otherwise).
        cast(forms.ModelChoiceField, self.fields["proposed_title"]).queryset = titles_other_than(
            current_title_id
        )
        for name in SUPERVISION_FIELDS:
            if name in self.fields:
                self.fields[name] = _supervised_count(self.fields[name])
        duties = list(self.instance.duties.all()) if self.instance.pk else []
        for i in range(DUTY_ROWS):
            d = duties[i] if i < len(duties) else None
            self.fields[f"duty_{i}"] = forms.CharField(
                label=_("Duty %(n)s") % {"n": i + 1},
                required=False,
                initial=d.description if d else "",
                widget=forms.TextInput(),
            )
            self.fields[f"duty_{i}_percent"] = forms.IntegerField(
                label=_("Duty %(n)s, percent of time") % {"n": i + 1},
                required=False,
                min_value=1,
                max_value=100,
                initial=d.percent if d else None,
            )

    def chosen_position(self) -> Position | None:
        """The position the form holds (posted, or given as initial), among those offered."""
        if "position" not in self.fields:
            return self.instance.position
        value = self["position"].value()
        pk = as_id(str(value or "").strip())
        if pk is None:
            return None
        queryset = cast(forms.ModelChoiceField, self.fields["position"]).queryset
        assert queryset is not None  # __init__ gives the position field its queryset
        return queryset.filter(pk=pk).first()

    def duties_total(self) -> int:
        """The duties' percentages as the form holds them (what the running total starts at)."""
        total = 0
        for i in range(DUTY_ROWS):
            value = str(self[f"duty_{i}_percent"].value() or "").strip()
            if value.isascii() and value.isdigit() and len(value) <= 3:  # "¹".isdigit() too
                total += int(value)
        return total

    def duty_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"duty_{i}"], self[f"duty_{i}_percent"]) for i in range(DUTY_ROWS)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day = data.get("requested_effective_date")
        position = self.instance.position if self.instance.pk else data.get("position")
        if day is not None and position is not None:
            for problem in effective_date_problems(
                day,
                today=timezone.localdate(),
                latest_change_on=latest_title_change_on(position),
            ):
                self.add_error("requested_effective_date", problem)
        for name, limit in DRAFT_TEXT_MAX_LENGTHS.items():
            too_long = message_too_long(data.get(name) or "", limit=limit)
            if name in self.fields and too_long:
                self.add_error(name, too_long)
        for i in range(DUTY_ROWS):
            text, pct = data.get(f"duty_{i}"), data.get(f"duty_{i}_percent")
            too_long = message_too_long(text or "", limit=DUTY_MAX_LENGTH)
            if too_long:
                self.add_error(f"duty_{i}", too_long)
            if text and not pct:
                self.add_error(f"duty_{i}_percent", _("Give this duty's percent of time."))
            if pct and not text:
                self.add_error(f"duty_{i}", _("Describe the duty this percent belongs to."))
        position = data.get("position") if "position" in self.fields else self.instance.position
        proposed = data.get("proposed_title")
        if position is not None and proposed is not None and proposed.pk == position.title_id:
            self.add_error(
                "proposed_title", _("Choose a title other than the position's current one.")
            )
        return data

    def _post_clean(self) -> None:
        # The service validates the model (and its workflow fields); the form checks input only.
        pass

    def duties(self) -> list[tuple[str, int]]:
        d = self.cleaned_data
        return [
            (d[f"duty_{i}"], d[f"duty_{i}_percent"])
            for i in range(DUTY_ROWS)
            if d.get(f"duty_{i}") and d.get(f"duty_{i}_percent")
        ]

    def draft_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name != "position" and name in self.cleaned_data
        }


class EmployeeRequestForm(ReclassificationDraftForm):
    """An employee's own request (form CC-2E): their position, the title they ask for, why,
    and their duties. No supervision counts or agency contact: the employee may not know
    them, and the agency's comment and DCC's review supply them."""

    class Meta(ReclassificationDraftForm.Meta):
        fields = [
            "position",
            "proposed_title",
            "requested_effective_date",
            "justification",
            "purpose",
            "reporting_relationships",
        ]
        labels = {
            "position": _("Your position"),
            "proposed_title": _("Title you ask for"),
            "justification": _("Why your position should be reclassified"),
            "purpose": _("Purpose of your position"),
            "reporting_relationships": _("Whom you report to, and who reports to you"),
        }

    # Written for the employee asking about their own position, not for agency HR (whose
    # help speaks of the incumbent, the agency's positions and the Division supervisor's
    # reason for a retroactive date).
    field_help = {
        "position": _("Your positions with no open request."),
        "proposed_title": _("The title in this series you think the duties you do now fit."),
        "requested_effective_date": _(
            "Optional: the day you would like the new title to start, at most a year from "
            "today. The Division decides the date in the end."
        ),
        "justification": _(
            "In your own words: what you do that your present title does not cover, and "
            "since when. Your agency comments on it before the Division reviews it."
        ),
    }

    def __init__(self, *args: Any, positions=None, **kwargs: Any) -> None:
        super().__init__(*args, positions=positions, **kwargs)
        if "position" in self.fields:
            position = cast(forms.ModelChoiceField, self.fields["position"])
            position.label_from_instance = lambda p: (  # type: ignore[method-assign, assignment]  # Django's documented hook
                f"{p.item_number} · {p.title.name} · {p.facility.name}"
            )
            # An employee holds one position or two: a plain choice of them, not the agency's
            # search (which is not theirs), and no htmx fragment (the standard's determination
            # is DCC's analysis to show).
            position.widget = forms.Select()
            position.widget.choices = position.choices


def positions_open_for_request(qs) -> Any:
    """Active positions without an open request or a title change still to take effect (a
    new draft can start on these)."""
    from ..workflow import OPEN_STATUSES

    return (
        qs.filter(active=True)
        .exclude(reclassifications__status__in=OPEN_STATUSES)
        .exclude(title_changes__effective_on__gt=timezone.localdate())
    )
