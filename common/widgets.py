"""Form widgets, fields and filters for long choice lists."""

from html import escape
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from .search import as_id


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

    def option_pairs(self):
        """(value, label) of every option, read as the select draws them (one query)."""
        queryset = getattr(self.choices, "queryset", None)
        if not (self.label_field and queryset is not None):
            yield from self.choices
            return
        field = self.choices.field
        if field.empty_label is not None:
            yield "", field.empty_label
        if isinstance(field, RowChoiceField):
            yield from field.rows
        else:
            yield from queryset.values_list("pk", self.label_field)

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        # html.escape on plain strings: Django's lazy-aware escaping costs more per option;
        # an integer (a primary key) needs no escaping at all.
        parts = []
        for v, label in self.option_pairs():
            text = str(v)
            selected = " selected" if text in chosen else ""
            if type(v) is not int:
                text = escape(text)
            parts.append(f'<option value="{text}"{selected}>{escape(str(label))}</option>')
        return mark_safe(f"<select{flatatt(final)}>{''.join(parts)}</select>")


class RowChoiceField(forms.ModelChoiceField):
    """A model choice read once, as (pk, label) pairs, both to check the choice and to draw the
    select: one query where a ModelChoiceField runs two (its `get` of the chosen row, then the
    options). Its value is the chosen primary key, which filters a foreign key as the model
    instance would. Primary keys only (no `to_field_name`), and no `limit_choices_to`: narrow
    the queryset instead."""

    def __init__(self, queryset, *, label_field: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", FastSelect(label_field=label_field))
        super().__init__(queryset, **kwargs)
        self.label_field = label_field

    @cached_property
    def rows(self) -> list[tuple[int, str]]:
        assert self.queryset is not None  # given to __init__
        return list(self.queryset.values_list("pk", self.label_field))

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        pk = as_id(str(value).strip())
        if pk is None or pk not in {row[0] for row in self.rows}:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return pk

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        return str(self.prepare_value(initial) or "") != str(data or "")


class RowChoiceFilter(django_filters.ModelChoiceFilter):
    """ModelChoiceFilter on a RowChoiceField: pass `label_field` (the field the options show)."""

    field_class = RowChoiceField
