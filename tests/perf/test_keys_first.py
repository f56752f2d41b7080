"""A page read keys first (common/paging.py) holds the rows a plain slice holds, in its order,
with the joins and annotations of the queryset, and the rest of the queryset is unchanged."""

import pytest
from django.db import connection

from classification.models import ReclassificationRequest
from classification.selectors.requests import with_turnaround
from common.paging import KeysFirstQuerySet, keys_first
from facilities.models import Facility
from tests.factories import FacilityFactory

from .test_query_counts import seed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "order",
    [("-pk",), ("position__item_number", "pk"), ("-open_for", "pk"), ("status", "-pk")],
)
@pytest.mark.parametrize("page", [slice(0, 7), slice(7, 14), slice(5, 6), slice(10_000, 10_025)])
def test_a_page_holds_the_rows_of_a_plain_slice(order, page):
    seed(5)
    plain = with_turnaround(
        ReclassificationRequest.objects.select_related("position__facility")
    ).exclude(status="draft")
    rows = keys_first(plain).order_by(*order)
    assert isinstance(rows, KeysFirstQuerySet)
    expected = list(plain.order_by(*order)[page])
    got = rows[page]
    assert [r.pk for r in got] == [r.pk for r in expected]
    assert [r.open_for for r in got] == [r.open_for for r in expected]
    assert [r.position.facility.name for r in got] == [r.position.facility.name for r in expected]
    assert rows.count() == plain.count()


def test_a_page_is_two_queries_whatever_its_joins(django_assert_num_queries):
    seed(5)
    rows = keys_first(ReclassificationRequest.objects.select_related("position__facility"))
    with django_assert_num_queries(2):
        page = rows.order_by("-pk")[:5]
        assert [r.position.facility.name for r in page]


def test_a_row_that_stops_matching_between_the_two_queries_is_left_out():
    """Without a transaction around the page, a row can change between the keys' query and the
    rows' query (another analyst takes a request off the Unassigned tab): the page shows the
    rows that still match, and does not fail on the one that left."""
    kept, renamed, other = (FacilityFactory(name=f"Hudson Center {n}") for n in range(3))
    rows = keys_first(Facility.objects.filter(name__startswith="Hudson")).order_by("pk")
    done = []

    def rename_after_the_keys(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not done:
            done.append(sql)
            # What another request commits between the two queries.
            Facility.objects.filter(pk=renamed.pk).update(name="Albany Center")
        return result

    with connection.execute_wrapper(rename_after_the_keys):
        page = rows[0:25]
    assert [f.pk for f in page] == [kept.pk, other.pk]
