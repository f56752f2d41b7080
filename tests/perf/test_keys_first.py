"""A page read keys first (common/paging.py) holds the rows a plain slice holds, in its order,
with the joins and annotations of the queryset, and the rest of the queryset is unchanged."""

import pytest

from classification.models import ReclassificationRequest
from classification.selectors.requests import with_turnaround
from common.paging import KeysFirstQuerySet, keys_first

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
