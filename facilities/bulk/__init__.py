"""Bulk data at the size of years of State use (`manage.py seed_bulk`), and how it is written.

`Writer` inserts rows with explicit ids, by PostgreSQL's COPY (a million rows in seconds).
Audit tables are chained with the
same hash as `AuditChained` (`common.audit.hash_content`), so `verify_audit` passes.
The generators live beside this module, one per app: facilities, candidates, classification.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from common.audit import GENESIS, AuditChained, _lock_table, hash_content


class Writer:
    """Explicit ids, COPY; sequences reset at the end."""

    def __init__(self) -> None:
        self.written: dict[str, int] = {}
        self._next: dict[type[models.Model], int] = {}
        self._touched: list[type[models.Model]] = []

    def next_id(self, model: type[models.Model]) -> int:
        """The next free id of `model`'s table (ids are handed out in order from here)."""
        if model not in self._next:
            self._next[model] = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        return self._next[model]

    def take_ids(self, model: type[models.Model], n: int) -> range:
        first = self.next_id(model)
        self._next[model] = first + n
        return range(first, first + n)

    def insert(self, model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
        """Insert tuples of `columns` (attnames, "id" first) into `model`'s table."""
        if model not in self._touched:
            self._touched.append(model)
        count = 0
        # COPY fills no Django defaults: give every column the caller left out its default.
        missing = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in columns and f.attname != "id" and not f.generated
        ]
        if missing:
            defaults = tuple(f.get_default() for f in missing)
            columns = [*columns, *(f.attname for f in missing)]
            rows = (tuple(row) + defaults for row in rows)
        json_names = {
            f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
        }
        json_columns = [i for i, name in enumerate(columns) if name in json_names]
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
        ):
            for row in rows:
                if json_columns:
                    values = list(row)
                    for i in json_columns:
                        values[i] = json.dumps(values[i])
                    copy.write_row(values)
                else:
                    copy.write_row(row)
                count += 1
        label = model._meta.label
        self.written[label] = self.written.get(label, 0) + count
        return count

    def insert_chained(self, model: type[AuditChained], contents: Iterable[dict[str, Any]]) -> int:
        """Append audit rows (attname → value dicts, every content field given) to the chain."""
        names = model.content_fields()
        _lock_table(model)
        last = model._default_manager.order_by("-pk").values_list("row_hash", flat=True).first()
        start = self.next_id(model)

        def rows() -> Iterator[tuple]:
            prev = last or GENESIS
            pk = start
            for content in contents:
                row_hash = hash_content(prev, content)
                yield (pk, prev, row_hash, *(content[n] for n in names))
                prev = row_hash
                pk += 1

        count = self.insert(model, ["id", "prev_hash", "row_hash", *names], rows())
        self._next[model] = start + count
        return count

    @property
    def touched(self) -> list[type[models.Model]]:
        return list(self._touched)

    def finish(self) -> None:
        """Point each touched table's id sequence past the ids written."""
        statements = connection.ops.sequence_reset_sql(no_style(), self._touched)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
