"""Remember django-tables2's per-function signatures instead of recomputing them per cell.

django-tables2 (3.0) calls `inspect.signature` for every cell it renders through a
`render_*` method or a callable (25 rows × 9 columns: about 30 ms a page on this machine). A
function's signature never changes, so it is computed once per function. Bound methods are
keyed by their function (and the fact that they are bound: `self` is then left out).
"""

from collections.abc import Callable
from typing import Any

import django_tables2 as tables2
import django_tables2.utils as tables2_utils
from django.db import models
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # Django has it, django-stubs does not list it
from django_tables2.columns.base import LinkTransform

_original = tables2_utils.signature
_cache: dict[tuple[Any, bool], tuple[tuple[str, ...], str | None]] = {}
_LIMIT = 4096  # partials and lambdas made per request are new objects: keep the cache bounded


def signature(fn: Callable) -> tuple[tuple[str, ...], str | None]:
    key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
    try:
        return _cache[key]
    except (KeyError, TypeError):  # TypeError: an unhashable callable
        result = _original(fn)
    try:
        if len(_cache) >= _LIMIT:
            _cache.clear()
        _cache[key] = result
    except TypeError:
        pass
    return result


def install() -> None:
    tables2_utils.signature = signature


def _has_callable(attrs: Any) -> bool:
    return any(
        callable(v) or (isinstance(v, dict) and _has_callable(v)) for v in dict(attrs).values()
    )


class FastBodyTable(tables2.Table):
    """A django-tables2 table whose body rows are built in Python, not through the template.

    The stock template renders each cell through `{{ column.attrs.td.as_html }}` and
    `{{ cell }}` lookups: with 25 rows × 9 columns about half the table's time went to the
    template engine rather than to the cells. The cells themselves still come from
    `BoundRow.get_cell` (`render_*` methods, linkify, defaults, choices' display values), the
    row attributes from `row.attrs` (`row_attrs`, even/odd), and the markup is the same:
    `<tr attrs><td td-attrs>cell</td>…</tr>`, the table's `empty_text` row when there are none.
    Header, footer and pagination still come from the template.
    """

    fast_template_name = "tables/bootstrap5-responsive-fast.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("template_name", self.fast_template_name)
        super().__init__(*args, **kwargs)

    def tbody_rows_html(self) -> str:
        columns = list(self.columns)
        td_attrs = []
        for column in columns:
            raw = dict(self.attrs)
            raw.update(dict(column.column.attrs))
            dynamic = _has_callable(raw.get("td", raw.get("cell", {})))
            td_attrs.append(None if dynamic else column.attrs["td"].as_html())
        cells = [_CellReader(column) for column in columns]
        parts = []
        for row in self.paginated_rows:
            parts.append(f"<tr {row.attrs.as_html()}>")
            for column, td, cell in zip(columns, td_attrs, cells, strict=True):
                value = cell(row)
                if td is None:  # attributes computed from the record or value, as row.items() does
                    column.current_value = value
                    column.current_record = row.record
                    td = column.attrs["td"].as_html()
                    column.current_value = column.current_record = None
                if column.localize is None:  # what {{ cell }} does
                    text = conditional_escape(formats.localize(template_localtime(value)))
                else:
                    text = conditional_escape(formats.localize(value, use_l10n=column.localize))
                parts.append(f"<td {td}>{text}</td>")
            parts.append("</tr>")
        if not parts and self.empty_text:
            parts.append(
                format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text)
            )
        return mark_safe("\n".join(parts))


class _Fallback(Exception):
    pass


class _CellReader:
    """`BoundRow.get_cell(name)` for one column, with the per-cell work done once per column.

    django-tables2 rebuilds the accessor, looks the model field up again and tries each part
    of the path as a dictionary key before the attribute (an exception per part on a model
    instance) for every cell. Here the path is split once, parts are read as attributes of
    model instances, the field's choices are looked up once per model, and the column's own
    `render` (which returns the value unchanged) is skipped. Anything else (dictionaries,
    `alters_data`, accessor arguments, ManyToManyColumn, lookup errors) goes through
    `get_cell` itself, so the result is always what django-tables2 would render.
    """

    def __init__(self, bound_column: Any) -> None:
        self.bound_column = bound_column
        self.name = bound_column.name
        column = bound_column.column
        accessor = tables2_utils.Accessor(bound_column.accessor)
        self.accessor = accessor
        self.bits = accessor.bits
        self.plain = bool(self.bits) and not (
            accessor.callable_args
            or accessor.callable_kwargs
            or isinstance(column, tables2.ManyToManyColumn)
        )
        self.empty_values = column.empty_values
        self.default = bound_column.default
        self.render = bound_column.render
        self.identity = getattr(self.render, "__func__", None) is tables2.Column.render
        self.link = bound_column.link
        # A link without attributes of its own or reverse() arguments: the same <a href>,
        # without building an AttributeDict for every cell.
        self.plain_link = (
            isinstance(self.link, LinkTransform)
            and not self.link.attrs
            and not self.link.reverse_args
        )
        self.column = column
        self.choices: dict[type, bool] = {}  # record's model → the last part shows get_FOO_display

    def __call__(self, row: Any) -> Any:
        if self.plain:
            try:
                return self._read(row)
            except _Fallback:
                pass
        return row.get_cell(self.name)

    def _read(self, row: Any) -> Any:
        record = row.record
        if not isinstance(record, models.Model):
            raise _Fallback
        bits = self.bits
        current: Any = record
        for bit in bits[:-1]:
            current = _attribute(current, bit)
            if current is None:
                break
        value = None
        if current is None:
            pass  # a relation on the way was None: django-tables2 resolves the path to None too
        elif not isinstance(current, models.Model):
            raise _Fallback  # e.g. "submitted_on__year": an attribute of a plain value
        else:
            model = type(record)
            displayed = self.choices.get(model)
            if displayed is None:
                field = self.accessor.get_field(record)
                displayed = self.choices[model] = bool(getattr(field, "choices", ()))
            display = getattr(current, f"get_{bits[-1]}_display", None) if displayed else None
            value = display() if display else _attribute(current, bits[-1])
        if value in self.empty_values:
            return self.default
        if self.identity and not self.link:
            return value
        kwargs = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": row.table,
        }
        content = (
            value if self.identity else tables2_utils.call_with_appropriate(self.render, kwargs)
        )
        if not self.link:
            return content
        if self.plain_link:
            href = self.link.compose_url(**kwargs)
            return content if href is None else format_html('<a href="{}">{}</a>', href, content)
        return self.link(content, **kwargs)


def _attribute(obj: Any, name: str) -> Any:
    """One step of `Accessor.resolve` on a model instance (which no dictionary lookup finds)."""
    if not isinstance(obj, models.Model):
        raise _Fallback
    try:
        value = getattr(obj, name)
    except (TypeError, AttributeError):
        raise _Fallback from None
    if callable(value):
        if getattr(value, "alters_data", False):
            raise _Fallback
        if not getattr(value, "do_not_call_in_templates", False):
            value = value()
    return value
