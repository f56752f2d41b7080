"""Every list and detail page runs a fixed number of queries, whatever the data size.

The data comes from `seed_bulk` at two sizes (5 and 50 of everything): each page is requested
as each role that may see it, once to warm up and once counted, and the count must be the one
pinned in PAGES at both sizes, so an N+1 (a query per row, event or credential) fails here.
Counts include the session and the user (with agency and roles), as every real request's do.
Detail pages show the richest object of the data: the request with the most events whose
position has an incumbent, the facility with the most positions, the person with the most
verifications and spells. The ISSUE's target is at most 10 queries on every page.
"""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from candidates.models import Person
from classification.models import ReclassificationRequest
from facilities.models import Facility, User
from tests.classification.factories import reclassification_in

pytestmark = pytest.mark.django_db

DCC = {"analyst": "bulk-analyst-0", "supervisor": "bulk-supervisor-0"}


def busiest_request() -> ReclassificationRequest:
    """The request with the most events among those whose position has an incumbent and whose
    facility has a warranted level (the page's every section then has something to show)."""
    return (
        ReclassificationRequest.objects.filter(position__incumbent__isnull=False)
        .exclude(position__facility__warranted_title_code="")
        .annotate(n=Count("events"))
        .select_related("position__facility__agency")
        .order_by("-n", "pk")
        .first()
    )


def agency_code() -> str:
    """The agency of the "hr" role: the busiest request's, so HR sees it too."""
    return busiest_request().position.facility.agency.code


def username(role: str) -> str:
    return DCC.get(role) or f"bulk-hr-{agency_code().lower()}-0"


def busiest_facility() -> int:
    return (
        Facility.objects.filter(agency__code=agency_code())
        .annotate(n=Count("positions"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def busiest_person() -> int:
    return (
        Person.objects.filter(agency__code=agency_code())
        .annotate(n=Count("credentials__verifications") + Count("spells"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


QUEUE = "classification:reclassification_list"
# page → (URL, {role: queries}), for every role that may see the page.
PAGES = {
    # Two queries for the work lists at the top however many (HR: DCC's questions, drafts,
    # and employees' requests awaiting its comment; analyst: mine, unassigned; supervisor:
    # awaiting too): their ids, then those rows; two for the three charts.
    "dashboard": (lambda: reverse("dashboard"), {"hr": 8, "analyst": 7, "supervisor": 8}),
    # Unfiltered, the tab's badge gives the paginator its count (no COUNT(*) of its own). The
    # page's rows take two queries: their keys, then those rows (common/paging.py).
    "queue": (lambda: reverse(QUEUE) + "?tab=all", {"hr": 7, "analyst": 8, "supervisor": 8}),
    "queue, filtered": (
        lambda: reverse(QUEUE) + "?tab=all&status=approved&sort=-created_at",
        {"hr": 7, "analyst": 9, "supervisor": 9},
    ),
    "request": (
        lambda: reverse("classification:reclassification_detail", args=[busiest_request().pk]),
        {"hr": 10, "analyst": 10, "supervisor": 10},
    ),
    "positions": (lambda: reverse("classification:position_list"), {"hr": 5, "analyst": 6}),
    "facilities": (lambda: reverse("facilities:facility_list"), {"hr": 4, "analyst": 5}),
    "facility": (
        lambda: reverse("facilities:facility_detail", args=[busiest_facility()]),
        {"hr": 7, "analyst": 7},
    ),
    "people": (lambda: reverse("candidates:person_list"), {"hr": 7, "analyst": 7}),
    "person": (
        lambda: reverse("candidates:person_detail", args=[busiest_person()]),
        {"hr": 6, "analyst": 6},
    ),
    "reverification": (lambda: reverse("candidates:reverification"), {"analyst": 3}),
    # Every filter chosen and a search: each list's choices are checked and drawn from the same
    # query (common.widgets.RowChoiceField). Chosen from the busiest request, so rows show.
    "queue, every filter and a search": (
        lambda: (
            reverse(QUEUE)
            + every_filter(
                "tab=all&status={r.status}&agency={a}&facility={f}&proposed_title={t}&q={item}"
            )
        ),
        {"hr": 8, "analyst": 10, "supervisor": 10},
    ),
    "positions, every filter and a search": (
        lambda: (
            reverse("classification:position_list")
            + every_filter("agency={a}&facility={f}&title={p.title_id}&active=true&q={item}")
        ),
        {"hr": 5, "analyst": 6},
    ),
    "facilities, every filter and a search": (
        lambda: (
            reverse("facilities:facility_list")
            + every_filter("agency={a}&facility_type={fac.facility_type}&q={fac.name}")
        ),
        {"hr": 4, "analyst": 5},
    ),
    "people, every filter and a search": (
        lambda: (
            reverse("candidates:person_list")
            + every_filter("agency={a}&q={p.incumbent.family_name}")
        ),
        {"hr": 7, "analyst": 7},
    ),
}


def every_filter(template: str) -> str:
    """`template` with the busiest request's values: r (request), p (position), fac (facility),
    a (agency id), f (facility id), t (proposed title id), item (item number)."""
    r = busiest_request()
    p, fac = r.position, r.position.facility
    values = {"r": r, "p": p, "fac": fac, "a": fac.agency_id, "f": fac.pk, "t": r.proposed_title_id}
    return "?" + template.format(**values, item=p.item_number)


CASES = [(page, role) for page, (_url, roles) in PAGES.items() for role in roles]


def seed(n: int) -> None:
    call_command(
        "seed_bulk",
        facilities=n,
        years=2,
        positions=2 * n,
        requests=4 * n,
        events=32 * n,
        people=2 * n,
        seed=8,
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_query_count_is_pinned(client, django_assert_num_queries, rows, page, role):
    seed(rows)
    url_for, expected = PAGES[page]
    user = User.objects.get(username=username(role))
    if page == "dashboard" and role == "hr":
        # The bulk data at 5 leaves HR no draft or question to show: one draft, so the work
        # lists' row query runs (none runs with nothing to show).
        reclassification_in("draft", hr=user)
    client.force_login(user)
    url = url_for()
    assert client.get(url).status_code == 200  # warm up (content types, first session write)
    with django_assert_num_queries(expected[role]):
        response = client.get(url)
    assert response.status_code == 200
    table = response.context.get("table") if response.context else None
    if table is not None:  # a list page: it showed rows, so the row queries ran
        assert len(table.page.object_list) > 0
    board = response.context.get("board") if response.context else None
    if board is not None:  # a dashboard: its work lists showed rows, so their row query ran
        assert any(w.rows for w in board.work)


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p}-{r}" for p, r in CASES])
def test_every_page_stays_within_ten_queries(page, role):
    assert PAGES[page][1][role] <= 10
