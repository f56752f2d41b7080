"""A page of a long list read in two steps: the page's primary keys, then those rows.

PostgreSQL joins every row a list's filter matches before it sorts them and keeps a page's
25: the queue's first tab joined 1,100 requests with their positions, facilities, agencies,
titles and analysts (about 20 ms over 100,000 requests) to show 25. Sorted and paged on the
request table alone, the page's keys come from one index (`reclass_status_covering` holds the
columns the days-open sort is computed from), and the 25 rows are then joined by key.

`keys_first(queryset)` gives the same queryset whose slices (what the lists' paginator takes)
read this way; everything else it does (count, order_by, filter) is the plain queryset's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet


class KeysFirstQuerySet(QuerySet[Model]):
    def __getitem__(self, k: Any) -> Any:
        if not isinstance(k, slice) or k.step is not None or self._result_cache is not None:
            return super().__getitem__(k)
        # The keys' own query is a plain slice.
        keys = list(QuerySet.__getitem__(self.values_list("pk", flat=True), k))
        if not keys:
            return []
        rows = {row.pk: row for row in self.order_by().filter(pk__in=keys)}
        # A row changed by another request between the two queries, so that it no longer
        # matches (or gone), is left out: this page is one row short, the next is right.
        return [rows[key] for key in keys if key in rows]


def keys_first(queryset: QuerySet[Model]) -> KeysFirstQuerySet:
    """`queryset`, its slices read as the page's keys, then the page's rows."""
    return KeysFirstQuerySet(model=queryset.model, query=queryset.query.chain(), using=queryset.db)
