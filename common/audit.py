"""Append-only, hash-chained audit tables.

A model that inherits `AuditChained` gets two columns: `prev_hash`, the `row_hash` of the row
inserted before it in the same table, and `row_hash`, a SHA-256 over `prev_hash` and the row's
own content. Changing, deleting or inserting a row out of turn breaks the chain, and
`manage.py verify_audit` names the first row that no longer matches. The database refuses
UPDATE and DELETE too: each such model lists `append_only_triggers()` in its `Meta.triggers`.
"""

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import pgtrigger
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

GENESIS = "0" * 64

# One advisory-lock key per table, so rows of one table are chained one at a time.
_LOCK_NAMESPACE = 0x48494D  # "HIM"


class AppendOnlyError(TypeError):
    """Raised when code tries to change or delete an audit row (a programming error)."""


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused too; `bulk_create` (through `bulk_append`) is not."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only.")


def _canonical(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


class AuditChained(models.Model):
    """Abstract base for append-only rows. Give timestamps `default=timezone.now`, not
    `auto_now_add`: the hash is computed before Django's pre-save hooks would fill them."""

    prev_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(
                f"{self._meta.label} rows are append-only: record a new one instead."
            )
        model = type(self)
        _lock_table(model)
        last = model._default_manager.order_by("-pk").values_list("row_hash", flat=True).first()
        self.prev_hash = last or GENESIS
        self.row_hash = self.compute_hash(self.prev_hash)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} rows are append-only and cannot be deleted.")

    @classmethod
    def bulk_append(cls, rows: Sequence["AuditChained"], batch_size: int = 5000) -> None:
        """Insert many rows in order, chained, in one statement per batch (seeding, imports).

        The caller holds a transaction; the table lock keeps other writers out meanwhile.
        """
        _lock_table(cls)
        prev = cls._default_manager.order_by("-pk").values_list("row_hash", flat=True).first()
        prev = prev or GENESIS
        for row in rows:
            row.prev_hash = prev
            row.row_hash = prev = row.compute_hash(prev)
        cls._default_manager.bulk_create(rows, batch_size=batch_size)

    def content(self) -> dict[str, object]:
        """Every stored column but the id and the hashes, in a stable form."""
        return {
            field.attname: _canonical(getattr(self, field.attname))
            for field in self._meta.concrete_fields
            if field.attname not in {"id", "prev_hash", "row_hash"}
        }

    def compute_hash(self, prev_hash: str) -> str:
        return hash_content(prev_hash, self.content())

    @classmethod
    def content_fields(cls) -> list[str]:
        """The attnames `content()` covers, in model order."""
        return [
            field.attname
            for field in cls._meta.concrete_fields
            if field.attname not in {"id", "prev_hash", "row_hash"}
        ]


def hash_content(prev_hash: str, content: dict[str, object]) -> str:
    """The row hash of `content` (attname → value, made canonical here) after `prev_hash`.

    The one definition of the hash: model instances, bulk seeding and `verify_audit` all use it.
    """
    canonical = {name: _canonical(value) for name, value in content.items()}
    payload = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _lock_table(model: type[models.Model]) -> None:
    """Serialise inserts into one chain until the transaction ends. Callers insert inside
    `transaction.atomic()`."""
    key = int(hashlib.sha256(model._meta.db_table.encode()).hexdigest()[:7], 16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])


def chained_models() -> list[type[AuditChained]]:
    return [m for m in apps.get_models() if issubclass(m, AuditChained)]


def first_broken_row(model: type[AuditChained]) -> tuple[int, str] | None:
    """The first row whose stored hashes no longer match its content or its predecessor."""
    # Plain tuples, not model instances: about three times faster at a million rows, and the
    # same hash (FieldFile and str both serialise to the file name).
    names = model.content_fields()
    expected_prev = GENESIS
    rows: Iterator[tuple] = (
        model._default_manager.order_by("pk")
        .values_list("pk", "prev_hash", "row_hash", *names)
        .iterator(chunk_size=10_000)
    )
    for pk, prev_hash, row_hash, *values in rows:
        if prev_hash != expected_prev:
            return pk, "its predecessor was changed, removed or inserted out of turn"
        if hash_content(prev_hash, dict(zip(names, values, strict=True))) != row_hash:
            return pk, "its content no longer matches its hash"
        expected_prev = row_hash
    return None


def append_only_triggers() -> list[pgtrigger.Trigger]:
    """For an audit model's `Meta.triggers`: the database refuses UPDATE and DELETE of its rows,
    whoever asks (the ORM already refuses: `AppendOnlyQuerySet`, `save`, `delete`), and TRUNCATE
    of the table, which fires no row trigger. The site's role has no right to any of them
    either (common.dbroles); these guard against the owner's slip."""
    return [
        pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        # pgtrigger's Protect has no statement-level TRUNCATE form: the same trigger by hand.
        pgtrigger.Trigger(
            name="no_truncate",
            operation=pgtrigger.Truncate,
            level=pgtrigger.Statement,
            when=pgtrigger.Before,
            func=(
                "RAISE EXCEPTION 'pgtrigger: Cannot truncate % table: its rows are append-only',"
                " TG_TABLE_NAME;"
            ),
        ),
    ]
