"""Free-text search that PostgreSQL can answer from indexes.

The list pages search with `icontains` (`UPPER(column) LIKE UPPER('%term%')`), which the
trigram indexes on `UPPER(column)` serve (`trigram_index`, in the models' `Meta.indexes`).

PostgreSQL combines index scans of one table with a BitmapOr, but not an OR whose arms read
different tables (the request's justification OR its position's item number), nor an OR with
`IN (subquery)`: either reads every row. So a search across tables is written as the primary
keys each arm matches, one indexed query per table, combined with UNION ALL
(`matching_pks`): `filter(pk__in=matching_pks(arm, arm, …))`. A row matches when any arm
matches it, exactly as the OR did.

That costs in proportion to the rows matched: the UNION gathers every matching id before a
page takes its 25. So the queue first gathers, up to `NARROW`, the ids its arms match
(`narrow_ids`, one query that stops there) and below that filters on those ids (one array
parameter, `AnyOf`); a broader term (`the`, in every justification) is searched with
the plain OR on one table (`IN (subquery)` for the other tables), which reads the table once
and, on a page, stops after the rows shown. A term shorter than three characters has no
trigram (the index would hand back every row) and always takes the plain OR. The positions
list always does: 20,000 positions are read faster than their UNION is gathered, for narrow
and broad terms alike.

The people list needs no count: its one other table is the AHIMA ids, matched exactly, so it
is a handful of people. Written `id = ANY(ARRAY(subquery))` (`among`), that arm joins the
trigram indexes of the person's own columns in one BitmapOr, and the planner reads the table
once for a broad term. The queue cannot do the same with its positions: PostgreSQL compares
a row with such an array element by element, and the positions a facility word matches run to
thousands (docs/benchmarks.md, "Plans").
"""

from __future__ import annotations

import django_filters
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models import F, Index, Q, QuerySet
from django.db.models.functions import Upper
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _

# pg_trgm indexes strings by their three-character runs: shorter terms cannot use the index.
TRIGRAM = 3
# Longer than any name, item number or phrase anyone searches for: a longer term would only
# make the database work.
SEARCH_MAX_LENGTH = 200
# Up to this many matching ids the UNION beats one pass over the table (100,000 requests:
# about 30,000), and counting to it costs at most ~20 ms (docs/benchmarks.md).
NARROW = 10_000
# The digits of the largest primary key (a bigint: 9,223,372,036,854,775,807).
BIGINT_DIGITS = 19


def search_filter() -> django_filters.CharFilter:
    """The `q` box of every list: the FilterSet's own `search` method, length-bounded (a longer
    term is refused by the form with its length, and the list shows unfiltered)."""
    return django_filters.CharFilter(
        label=_("Search"), method="search", max_length=SEARCH_MAX_LENGTH
    )


def uses_trigrams(value: str) -> bool:
    """Whether the trigram indexes can narrow a search for `value`."""
    return len(value) >= TRIGRAM


def matching_pks(*arms: QuerySet) -> QuerySet:
    """The primary keys of the rows any of `arms` matches, as one subquery (UNION ALL)."""
    first, *rest = (arm.order_by().values("pk") for arm in arms)
    # Unordered: a UNION would otherwise be sorted by the model's ordering once sliced.
    return first.union(*rest, all=True).order_by() if rest else first


def narrow_ids(*arms: QuerySet) -> list[int] | None:
    """The ids `arms` match between them if fewer than `NARROW` (a row two arms match, twice),
    else None: one query, which stops at `NARROW`. The caller filters on the list, so the
    page's count and its rows do not gather the UNION again."""
    ids = [row["pk"] for row in matching_pks(*arms)[:NARROW]]
    return ids if len(ids) < NARROW else None


class AnyOf(In):
    """`column = ANY(…)`, in place of `column IN (…)`.

    Of a subquery, `column = ANY(ARRAY(subquery))`: so an index on `column` can answer it
    inside a BitmapOr, but each row is compared with the whole array, so the subquery should
    return a handful of ids. Of a list of values, `column = ANY(%s)` with the list bound as one
    array parameter: `IN` binds each value as a parameter of its own, which at thousands of
    ids cost more than the search they came from."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            return "%s", [list(self.rhs)]
        return super().process_rhs(compiler, connection)

    def get_rhs_op(self, connection, rhs: str) -> str:
        if self.rhs_is_direct_value():
            return f"= ANY({rhs})"
        return f"= ANY(ARRAY{rhs})"


def among(column: str, rows: QuerySet, value: str, *, key: str = "pk") -> Q:
    """The rows whose `column` is the `key` of one of `rows`, in a search for `value`: `AnyOf`
    when the trigram indexes can narrow `value`, else `IN`, which keeps the planner from
    reading whole trigram indexes for a BitmapOr."""
    ids = rows.order_by().values(key)
    if not uses_trigrams(value):
        return Q(**{f"{column}__in": ids})
    return Q(AnyOf(F(column), ids))


def as_id(value: str) -> int | None:
    """`value` as a primary key if it is one (ASCII digits: `"²".isdigit()` is true too).

    Too large for the column is fine: Django makes `pk=` with such a number match nothing. But
    no key has more digits than a bigint (19), and Python refuses to read more than 4,300 digits
    as an int (a ValueError, so a 500): longer is no key."""
    if value.isascii() and value.isdigit() and len(value) <= BIGINT_DIGITS:
        return int(value)
    return None


def trigram_index(name: str, field: str) -> GinIndex:
    """For `Meta.indexes`: a GIN trigram index on `UPPER(field)`, what `icontains` (and
    `iexact`) compare. The `pg_trgm` extension comes from `facilities.0001_initial`."""
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


def upper_index(name: str, field: str) -> Index:
    """For `Meta.indexes`: a B-tree index on `UPPER(field)`, for `iexact` alone."""
    return Index(Upper(field), name=name)
