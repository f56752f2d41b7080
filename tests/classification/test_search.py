"""Free-text search (`?q=`) on the queue, positions, registry and people: the same rows as the
plain OR of `icontains` it replaced (common.search), for terms
short enough to skip the trigram indexes and long enough to use them, and for the queue both
below `NARROW` (the UNION of ids) and above it (one pass over the requests)."""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.filters import PersonFilter
from candidates.models import Credential, Person
from classification.filters import PositionFilter, ReclassificationFilter
from classification.models import Position, ReclassificationRequest
from common import search
from facilities.filters import FacilityFilter
from facilities.models import Facility
from tests.candidates.factories import CredentialFactory, PersonFactory
from tests.classification.factories import PositionFactory, reclassification_in
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db

TERMS = [
    "a",  # one character: no trigram
    "Hu",  # two
    "hud",  # three, another case
    "HUDSON valley",
    "ps-7",  # part of an item number
    "PS-77",  # a whole item number
    "bx9",  # the facility's code: only the whole code matches the queue
    "BX9",
    "bx",
    "tech",  # the justification
    "nightingale",  # the incumbent's family name
    "100%",  # LIKE's wildcards are literal
    "_",
    "zzzz",  # nothing
    "²",  # a digit to str.isdigit(), not an id
    "9" * 200,  # digits, but more than any key has
]


def reference_requests(value: str) -> set[int]:
    """The queue's search before the trigram indexes."""
    q = (
        Q(position__item_number__icontains=value)
        | Q(position__facility__name__icontains=value)
        | Q(position__facility__code__iexact=value)
        | Q(justification__icontains=value)
    )
    if value.isascii() and value.isdigit():
        q |= Q(pk=int(value))
    return set(ReclassificationRequest.objects.filter(q).values_list("pk", flat=True))


def reference_positions(value: str) -> set[int]:
    q = (
        Q(item_number__icontains=value)
        | Q(facility__name__icontains=value)
        | Q(incumbent__family_name__icontains=value)
    )
    return set(Position.objects.filter(q).values_list("pk", flat=True))


def reference_people(value: str) -> set[int]:
    ahima = Credential.objects.filter(person=OuterRef("pk"), ahima_id__iexact=value)
    q = (
        Q(given_name__icontains=value)
        | Q(family_name__icontains=value)
        | Q(employee_id__icontains=value)
        | Q(email__icontains=value)
        | Exists(ahima)
    )
    return set(Person.objects.filter(q).values_list("pk", flat=True))


def reference_facilities(value: str) -> set[int]:
    q = Q(name__icontains=value) | Q(code__icontains=value) | Q(region__icontains=value)
    return set(Facility.objects.filter(q).values_list("pk", flat=True))


def searched(filterset_class, model, value: str) -> set[int]:
    filterset = filterset_class({"q": value}, queryset=model.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


@pytest.fixture
def rows(cast):
    hudson = FacilityFactory(
        agency=cast.hr.agency, name="Hudson Valley DDSOO", code="BX9", region="Hudson Valley"
    )
    other = FacilityFactory(agency=cast.hr_other.agency, name="Capital 100% Center", code="CX1")
    incumbent = PersonFactory(family_name="Nightingale", email="n_g@example.ny.gov")
    CredentialFactory(person=incumbent, ahima_id="AH-777")
    PersonFactory(given_name="Ann", family_name="Bx9", employee_id="PS-770")
    positions = [
        PositionFactory(item_number="PS-77", facility=hudson, incumbent=incumbent),
        PositionFactory(item_number="PS-78", facility=other),
        PositionFactory(item_number="QQ_1", facility=other),
    ]
    requests = [reclassification_in("submitted", hr=cast.hr, position=positions[0])]
    requests.append(reclassification_in("in_review", hr=cast.hr_other, position=positions[1]))
    draft = reclassification_in("draft", hr=cast.hr_other, position=positions[2], complete=False)
    requests.append(draft)
    return requests


@pytest.fixture(params=["narrow", "broad"])
def breadth(request, monkeypatch) -> str:
    """Run as set, and with `NARROW` at 1 so that every term the queue finds is broad."""
    if request.param == "broad":
        monkeypatch.setattr(search, "NARROW", 1)
    return request.param


@pytest.mark.parametrize("value", [*TERMS, "AH-777", "ah-777"])
def test_search_matches_the_plain_or(rows, breadth, value):
    ids = [str(r.pk) for r in rows]
    for term in (value, *ids):
        assert searched(ReclassificationFilter, ReclassificationRequest, term) == (
            reference_requests(term)
        ), term
    assert searched(PositionFilter, Position, value) == reference_positions(value)
    assert searched(PersonFilter, Person, value) == reference_people(value)
    assert searched(FacilityFilter, Facility, value) == reference_facilities(value)


def test_search_terms_find_what_they_name(rows):
    submitted, in_review, draft = rows
    assert searched(ReclassificationFilter, ReclassificationRequest, "ps-77") == {submitted.pk}
    assert searched(ReclassificationFilter, ReclassificationRequest, "bx9") == {submitted.pk}
    assert searched(ReclassificationFilter, ReclassificationRequest, "bx") == set()
    assert searched(ReclassificationFilter, ReclassificationRequest, "nowhere-at-all") == set()
    assert searched(ReclassificationFilter, ReclassificationRequest, str(draft.pk)) >= {draft.pk}
    assert searched(ReclassificationFilter, ReclassificationRequest, "tech") == {
        submitted.pk,
        in_review.pk,
    }
    assert searched(ReclassificationFilter, ReclassificationRequest, "_") == {draft.pk}
    assert searched(PositionFilter, Position, "nightingale") == {submitted.position_id}
    assert {
        p.family_name
        for p in Person.objects.filter(pk__in=searched(PersonFilter, Person, "ah-777"))
    } == {"Nightingale"}


def queue_search(value: str) -> tuple[str, int]:
    """The queue's SQL for a search for `value`, and the queries run to choose it."""
    with CaptureQueriesContext(connection) as queries:
        filterset = ReclassificationFilter(
            {"q": value}, queryset=ReclassificationRequest.objects.all()
        )
        sql = str(filterset.qs.query)
    return sql, len(queries)


def test_the_queue_gathers_ids_once_for_a_narrow_term(rows, monkeypatch):
    """`tech` is in two justifications: below `NARROW` one query gathers the ids (the UNION)
    and the queue's own queries filter on them, searching nothing again; at `NARROW` one pass
    that searches as it reads."""
    sql, probes = queue_search("tech")
    assert probes == 1 and "LIKE" not in sql and "UNION" not in sql
    monkeypatch.setattr(search, "NARROW", 2)
    sql, probes = queue_search("tech")
    assert probes == 1 and "LIKE" in sql and "UNION" not in sql
    assert "LIKE" not in queue_search("ps-77")[0]  # one request


def test_a_short_term_is_one_pass_without_counting(rows):
    sql, probes = queue_search("te")
    assert "UNION" not in sql and probes == 0


def test_people_take_the_ahima_ids_as_an_array_for_an_indexed_term(rows):
    """`= ANY(ARRAY(…))` joins the BitmapOr of the person's own trigram indexes; a term without
    trigrams keeps `IN`, or the planner could read whole trigram indexes for a BitmapOr."""

    def sql(value: str) -> str:
        return str(PersonFilter({"q": value}, queryset=Person.objects.all()).qs.query)

    assert "= ANY(ARRAY(SELECT" in sql("ah-777")
    assert "ANY(" not in sql("ah")


@pytest.mark.parametrize("value", ["PS", "PS-7"])
def test_agency_hr_searches_only_its_agency(client, cast, rows, value):
    client.force_login(cast.hr)
    page = client.get(reverse("classification:reclassification_list"), {"q": value})
    assert page.status_code == 200
    html = page.content.decode()
    assert "PS-77" in html and "PS-78" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "classification:reclassification_list",
        "classification:position_list",
        "candidates:person_list",
        "facilities:facility_list",
    ],
)
def test_an_overlong_search_is_refused_with_its_length(client, url):
    """A pasted page is no search term: the box takes 200 characters and says so."""
    from tests.factories import analyst_user

    client.force_login(analyst_user())
    response = client.get(reverse(url), {"q": "x" * 70_000})
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 70000)." in response.text
