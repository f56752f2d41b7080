"""Put at least one row in every table the project's models have, for tests that must see them all.

`fill_every_table()` runs the demo seeds (each app's `demo.seed`, which the feature engineers
extend with realistic data), the shared factories, the makers in MAKERS, and finally fills any
table still empty with one generated row (required fields from their type, foreign keys to an
existing row). A model that none of these can fill makes `empty_tables()` name it: add a maker
for it to MAKERS.
"""

import datetime
import decimal
import io
import itertools
import uuid
from collections.abc import Callable

from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.test import override_settings
from django.utils import timezone

from tests.factories import AnnualActivityFactory, FacilityFactory, analyst_user, hr_user

# "app_label.ModelName" → a function that creates at least one valid row of that model.
MAKERS: dict[str, Callable[[], object]] = {
    "facilities.User": lambda: (hr_user("OMH"), analyst_user()),
    "facilities.Facility": lambda: FacilityFactory(),
    "facilities.AnnualActivity": lambda: AnnualActivityFactory(),
}

_serial = itertools.count(1)


def concrete_models() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many link tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _value(field: models.Field) -> object:
    n = next(_serial)
    if field.choices:
        return (
            field.choices[0][0]
            if not isinstance(field.choices[0][1], list | tuple)
            else (field.choices[0][1][0][0])
        )
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField | models.FloatField):
        return decimal.Decimal(1)
    if isinstance(field, models.IntegerField):
        return n
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return datetime.date.today()
    if isinstance(field, models.TimeField):
        return datetime.time(12)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(days=1)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b"ops"
    if isinstance(field, models.EmailField):
        return f"ops{n}@example.ny.gov"
    if isinstance(field, models.URLField):
        return "https://example.ny.gov/"
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.FileField):
        return f"ops/row-{n}.txt"
    text = f"ops-{n}"
    return text[: field.max_length] if field.max_length else text


def generated_row(model: type[models.Model], depth: int = 0) -> models.Model:
    """One row of `model` with a value for every required field (related rows made as needed)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.is_relation:
            if field.null and depth > 0:
                continue
            related = field.related_model
            existing = related._default_manager.first() if not field.one_to_one else None
            if existing is None and depth > 4:
                raise RuntimeError(f"{model._meta.label}: related chain too deep")
            values[field.name] = existing or generated_row(related, depth + 1)
            continue
        if field.has_default() or field.null:
            continue
        values[field.name] = _value(field)
    row = model(**values)
    row.save()
    return row


def fill_every_table() -> None:
    """Seed, make and generate rows until every model's table has at least one."""
    with override_settings(DEBUG=True):  # seed_demo refuses to run with DEBUG off
        call_command("seed_demo", stdout=io.StringIO())
    for maker in MAKERS.values():
        maker()
    for model in concrete_models():
        if not model._default_manager.exists():
            try:
                with transaction.atomic():
                    generated_row(model)
            except (IntegrityError, ValueError, RuntimeError):
                pass  # empty_tables() names it, with the fix


def empty_tables() -> list[str]:
    return [
        f"{model._meta.label} ({model._meta.db_table})"
        for model in concrete_models()
        if not model._default_manager.exists()
    ]
