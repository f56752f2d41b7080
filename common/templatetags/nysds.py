"""The crispy-forms template pack for New York State's design system (templates/nysds/).

`{{ field|nysds_kind }}` says which NYSDS component draws a field ("text", "textarea",
"select", "date", "file", "checkbox", "radio"), "hidden", or "native" for a widget no
component fits (a multiple choice, a clearable file with a file already, the project's own
widgets such as the position picker): those keep Django's own HTML. `{{ field|nysds_attrs }}`
is the component's attributes (id, name, value, label, description, required, errors and the
widget's own attributes); `{{ field|nysds_options }}` a select's or radio group's choices.
The components are form-associated: they submit their value with the form like an <input>.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms, template
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.utils.safestring import SafeString

from common.widgets import FastSelect

register = template.Library()

# The <input type>s nys-textinput draws.
TEXT_TYPES = {"text", "email", "number", "password", "search", "tel", "url"}


@register.filter
def nysds_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, (forms.SelectMultiple, forms.CheckboxSelectMultiple)):
        return "native"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput) and field.value():
        return "native"  # the current file and its "clear" box are Django's
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.DateInput) or widget.attrs.get("type") == "date":
        return "date"
    if (
        type(widget).__module__.startswith("django.")
        and isinstance(widget, Input)
        and widget.attrs.get("type", widget.input_type) in TEXT_TYPES
    ):
        return "text"
    return "native"


def _value(field: forms.BoundField, kind: str) -> Any:
    value = field.value()
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else (value or "")
    if kind in ("checkbox", "file"):
        return None
    formatted = field.field.widget.format_value(value)
    if isinstance(formatted, list):  # a Select's: the one chosen value
        return formatted[0] if formatted else ""
    return formatted


@register.filter
def nysds_attrs(field: forms.BoundField) -> SafeString:
    kind = nysds_kind(field)
    widget = field.field.widget
    attrs: dict[str, Any] = dict(widget.attrs)
    attrs.update(field.build_widget_attrs({}, widget))
    # The component draws its own label, description and error, and says they belong to its
    # control: Django's pointers to elements of its own markup would point at nothing.
    for name in ("class", "aria-describedby", "aria-invalid"):
        attrs.pop(name, None)
    if kind == "date":
        attrs.pop("type", None)
    elif kind == "text":
        attrs.setdefault("type", widget.input_type)
    attrs["id"] = field.auto_id
    attrs["name"] = field.html_name
    attrs["label"] = str(field.label or "")
    if field.help_text:
        attrs["description"] = str(field.help_text)
    if kind == "checkbox":
        attrs["value"] = "on"
        attrs["checked"] = bool(field.value())
    else:
        value = _value(field, kind)
        if value not in (None, "") and kind not in ("radio", "file"):
            attrs["value"] = str(value)
    if field.errors:
        attrs["showerror"] = True
        attrs["errormessage"] = " ".join(str(e) for e in field.errors)
    if kind in ("text", "textarea", "select", "date", "file"):
        attrs.setdefault("width", "full")
    return flatatt({k: v for k, v in attrs.items() if v is not False and v is not None})


@register.filter
def nysds_options(field: forms.BoundField) -> list[dict[str, Any]]:
    """A select's or radio group's options: value, label, selected, id (radio buttons)."""
    chosen = field.field.widget.format_value(field.value())
    chosen = {str(v) for v in (chosen if isinstance(chosen, list) else [chosen])}
    options = []
    widget = field.field.widget
    # A FastSelect reads its options as (pk, label) rows, the query its field checked with.
    pairs = widget.option_pairs() if isinstance(widget, FastSelect) else widget.choices
    for i, (value, label) in enumerate(pairs):
        value = str(getattr(value, "value", value))
        options.append(
            {
                "value": value,
                "label": str(label),
                "selected": value in chosen and not (value == "" and len(chosen) > 1),
                "id": f"{field.auto_id}_{i}",
            }
        )
    return options
