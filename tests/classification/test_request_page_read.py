"""The request page's one read (`selectors.request_for_page`) and the title copy it shows.

The page reads the request without `get()` (docs/benchmarks.md), the people it names in one
query of their own, and the determination's title from the standard's table: each must give
what the plain reads give."""

import pytest

from classification import selectors
from classification.models import Title
from classification.selectors import request_page
from classification.standard import ADMINISTRATOR_2, ADMINISTRATOR_3
from tests.factories import AnnualActivityFactory

from .factories import PositionFactory, reclassification_in, title

pytestmark = pytest.mark.django_db


def test_title_for_display_is_the_seeded_row():
    for row in Title.objects.all():
        copy = selectors.title_for_display(row.code)
        assert (copy.code, copy.name, copy.grade, copy.rank, copy.short_name) == (
            row.code,
            row.name,
            row.grade,
            row.rank,
            row.short_name,
        )


def test_the_people_are_loaded_in_one_query(cast, django_assert_num_queries):
    r = reclassification_in(
        "approved",
        hr=cast.hr,
        assigned=cast.assigned,
        recommender=cast.assigned,
        decider=cast.supervisor,
    )
    page = selectors.request_for_page(cast.analyst, r.pk)
    assert page is not None
    with django_assert_num_queries(0):
        named = {name: getattr(page, name) for name in request_page.PEOPLE}
    assert named["created_by"] == cast.hr
    assert named["assigned_to"] == cast.assigned
    assert named["recommended_by"] == cast.assigned
    assert named["decided_by"] == cast.supervisor
    assert named["decided_for"] is None


def test_a_request_the_user_may_not_see_is_none(cast):
    draft = reclassification_in("draft", hr=cast.hr)
    assert selectors.request_for_page(cast.analyst, draft.pk) is None  # DCC sees no drafts
    assert selectors.request_for_page(cast.hr_other, draft.pk) is None  # another agency
    assert selectors.request_for_page(cast.hr, draft.pk) is not None


def test_the_facility_facts_match_the_plain_reads(cast):
    """The latest accepted year (not a later submitted one) and the highest Administrator."""
    r = reclassification_in("submitted", hr=cast.hr)
    facility = r.position.facility
    AnnualActivityFactory(facility=facility, fiscal_year=2023, status="accepted")
    AnnualActivityFactory(
        facility=facility, fiscal_year=2024, status="accepted", individuals_served=3100
    )
    AnnualActivityFactory(facility=facility, fiscal_year=2025, status="submitted")
    PositionFactory(facility=facility, title=title(ADMINISTRATOR_2))
    top = PositionFactory(facility=facility, title=title(ADMINISTRATOR_3))
    page = selectors.request_for_page(cast.analyst, r.pk)
    counts = selectors.latest_counts_of(page)
    assert (counts.fiscal_year, counts.individuals_served) == (2024, 3100)
    chief = selectors.chief_of(page)
    assert (chief.pk, chief.item_number, chief.title.code) == (
        top.pk,
        top.item_number,
        ADMINISTRATOR_3,
    )
    plain = selectors.chief_position(facility)
    assert (plain.pk, plain.title.code) == (chief.pk, chief.title.code)


def test_no_counts_and_no_chief_read_as_none(cast):
    r = reclassification_in("submitted", hr=cast.hr)  # its position is a Technician's
    page = selectors.request_for_page(cast.analyst, r.pk)
    assert selectors.latest_counts_of(page) is None
    assert selectors.chief_of(page) is None
