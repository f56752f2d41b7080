"""Form widgets for long choice lists."""

from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A single <select> rendered without a template per option.

    Django renders each option through a template: about 0.15 ms an option, so a filter
    listing 2,000 facilities cost 300 ms a page. The same markup built in one pass costs a
    few milliseconds. Single choice, no option groups (use forms.Select for those).

    With `label_field`, a ModelChoiceField's options are read as (pk, label_field) pairs
    instead of model instances (the label must then be that field, as `__str__` gives).
    """

    def __init__(self, attrs: dict | None = None, choices=(), label_field: str = "") -> None:
        super().__init__(attrs, choices)
        self.label_field = label_field

    def _options(self):
        queryset = getattr(self.choices, "queryset", None)
        if not (self.label_field and queryset is not None):
            yield from self.choices
            return
        if self.choices.field.empty_label is not None:
            yield "", self.choices.field.empty_label
        yield from queryset.values_list("pk", self.label_field)

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> str:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        # html.escape on plain strings: Django's lazy-aware escaping costs more per option;
        # an integer (a primary key) needs no escaping at all.
        parts = []
        for v, label in self._options():
            text = str(v)
            selected = " selected" if text in chosen else ""
            if type(v) is not int:
                text = escape(text)
            parts.append(f'<option value="{text}"{selected}>{escape(str(label))}</option>')
        return mark_safe(f"<select{flatatt(final)}>{''.join(parts)}</select>")
