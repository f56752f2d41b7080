"""The dashboard's numbers and the reports: scoping, hand-computed figures, query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classification import reports
from classification.models import ReclassificationRequest
from classification.services import record_event
from classification.standard import ADMINISTRATOR_1, ADMINISTRATOR_2, ADMINISTRATOR_3
from facilities.models import AnnualActivity, Facility
from tests.downloads import download_text
from tests.factories import FacilityFactory, analyst_user

from .factories import PositionFactory, reclassification_in, title

pytestmark = pytest.mark.django_db


def body(response) -> str:
    """The text of a response, streamed (exports) or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def decided_in(days: int, *, hr, analyst, supervisor, status="approved", closed_days_ago=0):
    """A decided request that took `days` days (closed `closed_days_ago` days ago)."""
    r = reclassification_in(status, hr=hr, assigned=analyst, decider=supervisor)
    closed = timezone.localdate() - timedelta(days=closed_days_ago)
    ReclassificationRequest.objects.filter(pk=r.pk).update(
        closed_on=closed,
        submitted_on=closed - timedelta(days=days + 2),
        paused_total=timedelta(2),
        days_to_close=days,  # as the closing transition writes it
    )
    return r


# --- dashboard -------------------------------------------------------------------------------


@pytest.fixture
def queue(cast):
    """OMH: 2 submitted (one overdue), 1 in review for `analyst`, 1 waiting on the agency for
    `analyst`, 1 recommended; DOCCS: 1 submitted, 1 in review (assigned), 1 decided."""
    overdue = reclassification_in("submitted", hr=cast.hr)
    ReclassificationRequest.objects.filter(pk=overdue.pk).update(
        submitted_on=timezone.localdate() - timedelta(days=45)
    )
    reclassification_in("submitted", hr=cast.hr)
    reclassification_in("in_review", hr=cast.hr, assigned=cast.analyst)
    reclassification_in("info_requested", hr=cast.hr, assigned=cast.analyst)
    reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    reclassification_in("draft", hr=cast.hr)
    reclassification_in("submitted", hr=cast.hr_other)
    reclassification_in("in_review", hr=cast.hr_other, assigned=cast.assigned)
    decided_in(20, hr=cast.hr_other, analyst=cast.assigned, supervisor=cast.supervisor)
    return cast


def test_analyst_dashboard_counts(queue):
    board = reports.dashboard_for(queue.analyst)
    assert board.counts == {
        "mine": 2,
        "unassigned": 3,
        "overdue": 1,
        "my_overdue": 0,
        "waiting": 1,
        "my_waiting": 1,
        "awaiting": 1,
        "my_in_review": 1,
        "awaiting_others": 1,
    }
    assert board.workload == []  # analysts see no workload table


def work(board) -> dict[str, tuple[int, list[int], str]]:
    return {w.key: (w.total, [r.pk for r in w.rows], w.action) for w in board.work}


def test_analyst_work_lists_what_waits_on_them(queue):
    """An analyst's dashboard lists their requests in review and the unassigned queue (with
    its Take action), oldest first; nothing of another analyst's."""
    board = work(reports.dashboard_for(queue.analyst))
    mine = ReclassificationRequest.objects.get(status="in_review", assigned_to=queue.analyst)
    submitted = ReclassificationRequest.objects.filter(status="submitted")
    assert board["mine"] == (1, [mine.pk], "")
    total, rows, action = board["unassigned"]
    assert (total, sorted(rows), action) == (3, sorted(r.pk for r in submitted), "take")
    assert "awaiting" not in board


def test_supervisor_work_leaves_out_their_own_recommendations(queue, cast):
    """The two-person rule: a recommendation the supervisor made waits on someone else."""
    own = reclassification_in("recommended", hr=cast.hr, assigned=cast.supervisor)
    board = work(reports.dashboard_for(cast.supervisor))
    other = ReclassificationRequest.objects.filter(status="recommended").exclude(pk=own.pk).get()
    assert board["awaiting"] == (1, [other.pk], "")
    assert board["unassigned"][2] == "assign"


def test_hr_work_lists_questions_then_drafts(queue, cast):
    board = work(reports.dashboard_for(cast.hr))
    asked = ReclassificationRequest.objects.get(status="info_requested", agency=cast.hr.agency)
    draft = ReclassificationRequest.objects.get(status="draft", agency=cast.hr.agency)
    assert board == {"respond": (1, [asked.pk], "respond"), "drafts": (1, [draft.pk], "")}


def test_work_lists_show_the_longest_waiting_first_and_cut_at_ten(cast):
    """Twelve unassigned requests, submitted 1 to 12 days ago (two on the same day): the list
    shows the ten waiting longest, longest first and the same day by number, and counts all
    twelve; HR's drafts come oldest first."""
    today = timezone.localdate()
    ages = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 12]
    made = []
    for days in ages:
        r = reclassification_in("submitted", hr=cast.hr)
        ReclassificationRequest.objects.filter(pk=r.pk).update(
            submitted_on=today - timedelta(days=days)
        )
        made.append((days, r.pk))
    drafts = [reclassification_in("draft", hr=cast.hr).pk for _ in range(3)]
    expected = [pk for _days, pk in sorted(made, key=lambda m: (-m[0], m[1]))][:10]
    board = work(reports.dashboard_for(cast.analyst))
    assert board["unassigned"] == (12, expected, "take")
    assert work(reports.dashboard_for(cast.hr))["drafts"] == (3, sorted(drafts), "")


def test_in_order_sorts_as_postgresql_does():
    """Going up, NULLs last; going down, NULLs first; ties by number either way."""
    from classification.reports.dashboard import in_order

    rows = [
        ReclassificationRequest(pk=pk, paused_since=day)
        for pk, day in [(4, None), (3, 2), (1, 2), (2, 1), (5, None)]
    ]
    assert [r.pk for r in in_order(rows, "paused_since")] == [2, 1, 3, 4, 5]
    assert [r.pk for r in in_order(rows, "-paused_since")] == [4, 5, 1, 3, 2]


@pytest.mark.parametrize("role", ["hr", "analyst", "supervisor"])
def test_dashboard_starts_with_the_work_then_the_figures(client, queue, cast, role):
    """The list of what waits comes before any figure or chart, with its action buttons;
    HR's starts with a New request button."""
    user = getattr(cast, role)
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    work_at = page.index('data-testid="work"')
    assert work_at < page.index('id="charts-heading"')
    if role == "hr":
        assert work_at < page.index('data-testid="new-request"') < page.index("work-respond")
        asked = ReclassificationRequest.objects.get(status="info_requested", agency=user.agency)
        assert (
            reverse("classification:reclassification_transition", args=[asked.pk, "respond"])
            in page
        )
    else:
        assert work_at < page.index('data-testid="dashboard-counts"')
        assert 'data-testid="new-request"' not in page


def test_supervisor_sees_workload_per_analyst(queue):
    board = reports.dashboard_for(queue.supervisor)
    rows = {
        w["name"]: (w["in_review"], w["info_requested"], w["recommended"]) for w in board.workload
    }
    assert rows == {str(queue.analyst): (1, 1, 0), str(queue.assigned): (1, 0, 1)}


def test_hr_dashboard_counts_only_its_agency(queue):
    board = reports.dashboard_for(queue.hr)
    by_status = {status: n for status, _label, n in board.by_status}
    assert by_status == {
        "draft": 1,
        "agency_comment": 0,  # no employee filed here
        "submitted": 2,
        "in_review": 1,
        "info_requested": 1,
        "recommended": 1,
        "approved": 0,
        "denied": 0,
        "withdrawn": 0,
    }
    assert board.counts["waiting_on_us"] == 1
    by_status_chart, days_chart, months_chart = board.charts
    # Even the chart totals hold OMH alone: no DOCCS row, and no DOCCS decision.
    assert [row.label for row in by_status_chart.rows] == ["OMH"]
    assert sum(row.total for row in days_chart.rows) == 0
    assert sum(sum(row.values) for row in months_chart.rows) == 5  # OMH's 5 submissions


def test_hr_dashboard_page_never_shows_another_agency(client, queue):
    client.force_login(queue.hr)
    response = client.get("/")
    text = body(response)
    assert response.status_code == 200
    assert "DOCCS" not in text
    assert 'data-testid="status-submitted">2<' in text


def test_dcc_charts_count_every_agency(queue):
    by_status, days, _months = reports.dashboard_for(queue.analyst).charts
    assert {row.label: row.total for row in by_status.rows} == {"DOCCS": 3, "OMH": 5}
    assert {row.label: row.values[0] for row in days.rows if row.total} == {"11–20": 1}


@pytest.mark.parametrize("role", ["analyst", "supervisor", "hr"])
def test_dashboard_queries_do_not_grow_with_requests(
    client, cast, role, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(getattr(cast, role))
    reclassification_in("in_review", hr=cast.hr, assigned=cast.analyst)
    client.get("/")  # the first request after sign-in also saves the session
    with django_assert_max_num_queries(20) as small:
        client.get("/")
    for _ in range(8):
        reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
        decided_in(12, hr=cast.hr, analyst=cast.assigned, supervisor=cast.supervisor)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/")


# --- drift -----------------------------------------------------------------------------------


def _facility(agency: str, code: str, warranted: str, chief: str | None, **kw) -> Facility:
    facility = FacilityFactory(agency__code=agency, code=code, **kw)
    Facility.objects.filter(pk=facility.pk).update(warranted_title_code=warranted)
    if chief:
        PositionFactory(facility=facility, title=title(chief), item_number=f"{code}-01")
    # Counts for the last completed year unless the test says otherwise.
    return facility


def _counts(facility, year, i, a, status="accepted"):
    AnnualActivity.objects.create(
        facility=facility,
        fiscal_year=year,
        individuals_served=i,
        records_activities=a,
        status=status,
    )


@pytest.fixture
def drift_world(cast):
    year = reports.last_completed_fiscal_year()
    up = _facility("OMH", "UP", ADMINISTRATOR_3, ADMINISTRATOR_1)
    down = _facility("OMH", "DOWN", ADMINISTRATOR_2, ADMINISTRATOR_3)
    fine = _facility("OMH", "FINE", ADMINISTRATOR_3, ADMINISTRATOR_3)
    near = _facility("OMH", "NEAR", ADMINISTRATOR_1, ADMINISTRATOR_1, facility_type="ddsoo")
    Facility.objects.filter(pk=near.pk).update(determination_year=year)
    watch = _facility("OMH", "WATCH", ADMINISTRATOR_3, ADMINISTRATOR_3)
    Facility.objects.filter(pk=watch.pk).update(trend_state="watch")
    other_agency = _facility("DOCCS", "OTHER", ADMINISTRATOR_2, ADMINISTRATOR_1)
    for f in (up, down, fine, watch, other_agency):
        _counts(f, year, 100, 100)
    _counts(near, year, 2_900, 100_000)  # 100 below 3,000: within 5% (150)
    missing = _facility("OMH", "MISSING", ADMINISTRATOR_3, ADMINISTRATOR_3)
    _counts(missing, year - 1, 100, 100)
    return cast


def _by_code(rows):
    return {r.facility.code: r for r in rows}


def test_drift_report_finds_each_issue(drift_world):
    rows = _by_code(reports.drift_report(drift_world.analyst))
    assert set(rows) == {"UP", "DOWN", "NEAR", "WATCH", "OTHER", "MISSING"}
    assert rows["UP"].drift == "up" and rows["DOWN"].drift == "down"
    assert rows["OTHER"].drift == "up"
    assert rows["WATCH"].on_watch and not rows["WATCH"].drift
    assert [d.crossed_value for d in rows["NEAR"].near] == [3_000]
    assert rows["MISSING"].missing_year and not rows["UP"].missing_year
    assert not any(r.can_request for r in rows.values())  # DCC staff do not file requests


def test_drift_report_issue_filter(drift_world):
    rows = reports.drift_report(drift_world.analyst, issue="drift")
    assert {r.facility.code for r in rows} == {"UP", "DOWN", "OTHER"}


def test_hr_drift_report_holds_its_agency_and_offers_a_request(client, drift_world):
    rows = _by_code(reports.drift_report(drift_world.hr))
    assert "OTHER" not in rows
    assert rows["UP"].can_request and rows["DOWN"].can_request
    assert not rows["WATCH"].can_request
    client.force_login(drift_world.hr)
    response = client.get(reverse("classification:drift_report"))
    text = body(response)
    chief = rows["UP"].facility.chief_id
    assert f"?position={chief}&amp;proposed_title={ADMINISTRATOR_3}" in text
    assert "OTHER" not in text
    csv_text = body(client.get(reverse("classification:drift_report") + "?export=csv"))
    assert "UP" in csv_text and "OTHER" not in csv_text


def test_create_form_honours_the_drift_links_parameters(client, drift_world):
    chief = _by_code(reports.drift_report(drift_world.hr))["UP"].facility.chief_id
    client.force_login(drift_world.hr)
    response = client.get(
        reverse("classification:reclassification_create")
        + f"?position={chief}&proposed_title={ADMINISTRATOR_3}"
    )
    form = response.context["form"]
    assert str(form["position"].value()) == str(chief)
    assert form["proposed_title"].value() == title(ADMINISTRATOR_3).pk


@pytest.mark.parametrize("given", ["\u00b2", "\u0663", "9" * 40, "9" * 5000, "-1", ""])
def test_create_form_ignores_a_proposed_title_that_is_no_id_or_code(client, drift_world, given):
    """ "²".isdigit() is true but int("²") fails: the link's parameter is read as an id only
    when it is ASCII digits, and one too large for the column matches nothing."""
    client.force_login(drift_world.hr)
    response = client.get(
        reverse("classification:reclassification_create"), {"proposed_title": given}
    )
    assert response.status_code == 200
    assert response.context["form"]["proposed_title"].value() is None


def test_drift_report_queries_do_not_grow(client, drift_world, django_assert_num_queries):
    client.force_login(drift_world.analyst)
    url = reverse("classification:drift_report")
    response = client.get(url)
    small = len(response.context["rows"])
    with django_assert_num_queries(3):
        client.get(url)
    for n in range(10):
        _facility("OMH", f"MORE{n}", ADMINISTRATOR_3, ADMINISTRATOR_1)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert len(response.context["rows"]) == small + 10


@pytest.fixture
def drift_corners(drift_world):
    """drift_world and the corners of the rule: a tie on the top rank and an inactive higher
    position, no chief, an inactive facility, no warranted title, each threshold's band, a
    band with no crossing that changes the level, and counts not yet accepted."""
    year = reports.last_completed_fiscal_year()
    tie = _facility("OMH", "TIE", ADMINISTRATOR_3, None)
    PositionFactory(facility=tie, title=title(ADMINISTRATOR_2), item_number="TIE-02")
    PositionFactory(facility=tie, title=title(ADMINISTRATOR_2), item_number="TIE-01")
    PositionFactory(facility=tie, title=title(ADMINISTRATOR_3), item_number="TIE-00", active=False)
    PositionFactory(facility=tie, item_number="TIE-03")  # a technician: never the chief
    _counts(tie, year, 100, 100)
    _facility("OMH", "NOCHIEF", ADMINISTRATOR_2, None)  # and no counts
    gone = _facility("OMH", "GONE", ADMINISTRATOR_3, ADMINISTRATOR_1)
    Facility.objects.filter(pk=gone.pk).update(active=False)
    _counts(_facility("OMH", "BLANK", "", ADMINISTRATOR_1), year, 100, 100)
    for code, i, a, status in (
        ("NEARHI", 7_200, 100_000, "accepted"),  # Administrator 3; 6,999 would be 2
        ("NEARACT", 2_000, 255_000, "accepted"),  # Administrator 2; 250,000 would be 1
        ("BANDONLY", 7_100, 300_000, "accepted"),  # Administrator 3 on either side of 7,000
        ("PENDING", 2_900, 100_000, "submitted"),
    ):
        f = _facility("DOCCS", code, ADMINISTRATOR_1, ADMINISTRATOR_1, facility_type="ddsoo")
        Facility.objects.filter(pk=f.pk).update(determination_year=year)
        _counts(f, year, i, a, status=status)
    return drift_world


def _expected_drift(user, issue):
    """The drift report worked out facility by facility, the plain way, for comparison."""
    from classification.allocation import threshold_distances
    from classification.models import Title
    from classification.selectors import chief_position
    from facilities.selectors import drift_direction, facilities_visible_to

    year = reports.last_completed_fiscal_year()
    ranks = dict(Title.objects.values_list("code", "rank"))
    rows = []
    for f in facilities_visible_to(user).filter(active=True).order_by("agency__code", "name"):
        chief = chief_position(f)
        accepted = f.activities.filter(fiscal_year=f.determination_year, status="accepted").first()
        i = accepted.individuals_served if accepted else None
        a = accepted.records_activities if accepted else None
        in_band = f.facility_type == "ddsoo" and (
            (i is not None and (abs(i - 3_000) <= 150 or abs(i - 7_000) <= 350))
            or (a is not None and abs(a - 250_000) <= 12_500)
        )
        chosen = {
            "drift": bool(
                chief and ranks.get(f.warranted_title_code, chief.title.rank) != chief.title.rank
            ),
            "watch": f.trend_state == "watch",
            "near": in_band,
            "missing": not f.activities.filter(fiscal_year=year).exists(),
        }
        if not (chosen[issue] if issue else any(chosen.values())):
            continue
        drift = drift_direction(f.warranted_title_code or None, chief and chief.title.code)
        near = tuple(
            d for d in threshold_distances(i, a) if in_band and d.distance <= d.crossed_value * 0.05
        )
        missing = chosen["missing"]
        if not (drift or chosen["watch"] or near or missing):
            continue
        rows.append(
            (
                f.code,
                f.agency.code,
                chief and chief.pk,
                chief and chief.item_number,
                chief and chief.title.code,
                drift,
                chosen["watch"],
                near,
                missing,
                bool(drift and chief and user.agency_id == f.agency_id),
            )
        )
    return rows


@pytest.mark.parametrize("role", ["analyst", "hr"])
@pytest.mark.parametrize("issue", ["", "drift", "watch", "near", "missing"])
def test_drift_report_matches_a_facility_by_facility_computation(drift_corners, role, issue):
    user = getattr(drift_corners, role)
    rows = [
        (
            r.facility.code,
            r.facility.agency.code,
            r.facility.chief_id,
            r.facility.chief_item,
            r.facility.chief_title_code,
            r.drift,
            r.on_watch,
            r.near,
            r.missing_year,
            r.can_request,
        )
        for r in reports.drift_report(user, issue=issue)
    ]
    assert rows == _expected_drift(user, issue)


def test_drift_corners_are_reached(drift_corners):
    """The comparison above only means something if each corner shows (or not) as intended."""
    rows = _by_code(reports.drift_report(drift_corners.analyst))
    assert rows["TIE"].facility.chief_item == "TIE-01" and rows["TIE"].drift == "up"
    assert rows["NOCHIEF"].missing_year and rows["NOCHIEF"].facility.chief_id is None
    assert [d.crossed_value for d in rows["NEARHI"].near] == [6_999]
    assert [d.crossed_value for d in rows["NEARACT"].near] == [250_000]
    assert not {"GONE", "BLANK", "BANDONLY", "PENDING"} & set(rows)


def test_registry_drift_filter_and_facility_positions(client, drift_world):
    client.force_login(drift_world.hr)
    response = client.get(reverse("facilities:facility_list") + "?drift=up")
    names = [row.record.code for row in response.context["table"].page.object_list]
    assert names == ["UP"]
    facility = Facility.objects.get(code="UP")
    detail = client.get(facility.get_absolute_url())
    assert "UP-01" in detail.content.decode()
    assert detail.context["drift"] == "up"


# --- turnaround ------------------------------------------------------------------------------


def test_turnaround_days_read_to_one_decimal_in_the_export_too(cast, client):
    """PostgreSQL interpolates the 90th percentile of 3, 44, 52 and 70 days as
    64.60000000000001: the page and its export say 64.6."""
    for days in (3, 44, 52, 70):
        decided_in(days, hr=cast.hr, analyst=cast.assigned, supervisor=cast.supervisor)
    rows = {r.label: r for r in reports.turnaround_by(cast.analyst, "agency")}
    assert rows["OMH"].p90 == 64.6
    client.force_login(cast.analyst)
    export = client.get(reverse("classification:turnaround_report"), {"export": "csv"})
    assert "64.6" in download_text(export) and "64.60000" not in download_text(export)


def test_turnaround_median_and_90th_percentile(cast):
    for days in (10, 20, 30, 40):
        decided_in(days, hr=cast.hr, analyst=cast.assigned, supervisor=cast.supervisor)
    decided_in(
        5, hr=cast.hr_other, analyst=cast.assigned, supervisor=cast.supervisor, status="denied"
    )
    rows = {r.label: r for r in reports.turnaround_by(cast.analyst, "agency")}
    assert rows["OMH"].decided == 4
    assert rows["OMH"].median == pytest.approx(25.0)
    assert rows["OMH"].p90 == pytest.approx(37.0)  # 30 + 0.7 × (40 − 30)
    assert rows["DOCCS"].median == pytest.approx(5.0)
    only_omh = reports.turnaround_by(cast.analyst, "agency", agency="OMH")
    assert [r.label for r in only_omh] == ["OMH"]
    quarters = reports.turnaround_by(cast.analyst, "quarter")
    assert sum(r.decided for r in quarters) == 5
    decided_in(
        70, hr=cast.hr, analyst=cast.assigned, supervisor=cast.supervisor, closed_days_ago=400
    )
    everything = {r.label: r.decided for r in reports.turnaround_by(cast.analyst, "agency")}
    assert everything == {"DOCCS": 1, "OMH": 5}
    since = timezone.localdate() - timedelta(days=365)
    last_year = reports.turnaround_by(cast.analyst, "agency", since=since)
    assert {r.label: r.decided for r in last_year} == {"DOCCS": 1, "OMH": 4}


def test_time_in_each_status(cast):
    now = timezone.now()
    r = reclassification_in("approved", hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor)
    for days_ago, action, status in (
        (10, "submit", "submitted"),
        (7, "take", "in_review"),
        (3, "recommend", "recommended"),
        (1, "approve", "approved"),
    ):
        record_event(
            reclassification=r,
            action=action,
            from_status="",
            to_status=status,
            actor=cast.hr,
            at=now - timedelta(days=days_ago),
        )
    found = {s.status: s for s in reports.time_in_status(cast.analyst, now=now)}
    assert found["submitted"].mean_days == pytest.approx(3.0, abs=0.01)
    assert found["in_review"].mean_days == pytest.approx(4.0, abs=0.01)
    assert found["recommended"].mean_days == pytest.approx(2.0, abs=0.01)
    assert "approved" not in found
    assert reports.time_in_status(cast.hr) == []
    recent = reports.time_in_status(
        cast.analyst, since=timezone.localdate(now) - timedelta(days=5), now=now
    )
    # Only the stay that started in the last five days (the draft began 30 days ago).
    assert {s.status for s in recent} == {"recommended"}
    assert found["draft"].mean_days == pytest.approx(20.0, abs=0.01)
    assert [s.status for s in reports.time_in_status(cast.analyst, agency="DOCCS", now=now)] == []


def test_turnaround_page_and_export(client, cast):
    decided_in(10, hr=cast.hr, analyst=cast.assigned, supervisor=cast.supervisor)
    client.force_login(cast.supervisor)
    url = reverse("classification:turnaround_report")
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="turnaround-agency"' in response.content.decode()
    text = body(client.get(url + "?export=csv"))
    assert "OMH" in text and "10.0" in text


def test_turnaround_queries_do_not_grow(client, cast, django_assert_num_queries):
    client.force_login(cast.analyst)
    url = reverse("classification:turnaround_report")
    decided_in(10, hr=cast.hr, analyst=cast.assigned, supervisor=cast.supervisor)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for days in range(1, 9):
        decided_in(days, hr=cast.hr_other, analyst=cast.assigned, supervisor=cast.supervisor)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


# --- reassignment ----------------------------------------------------------------------------


def test_reassignment_lists_requests_of_inactive_users(client, cast):
    departed = analyst_user(username="departed-t")
    held = reclassification_in("in_review", hr=cast.hr, assigned=departed)
    reclassification_in("in_review", hr=cast.hr, assigned=cast.analyst)
    departed.is_active = False
    departed.save()
    assert list(reports.assigned_to_inactive(cast.supervisor)) == [held]
    assert list(reports.assigned_to_inactive(cast.hr)) == []
    client.force_login(cast.supervisor)
    response = client.get(reverse("classification:reassignment"))
    assert list(response.context["rows"]) == [held]


def test_reassignment_queries_do_not_grow(client, cast, django_assert_num_queries):
    departed = analyst_user(username="departed-q")
    reclassification_in("in_review", hr=cast.hr, assigned=departed)
    departed.is_active = False
    departed.save()
    client.force_login(cast.supervisor)
    url = reverse("classification:reassignment")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    departed.is_active = True
    departed.save()
    for _ in range(6):
        reclassification_in("in_review", hr=cast.hr_other, assigned=departed)
    departed.is_active = False
    departed.save()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 7


def test_hr_sees_its_agencys_expiring_credentials_only(cast):
    from tests.candidates.factories import CredentialFactory

    today = timezone.localdate()
    CredentialFactory(person__agency=cast.hr.agency, valid_through=today + timedelta(days=30))
    CredentialFactory(person__agency=cast.hr.agency, valid_through=today + timedelta(days=90))
    CredentialFactory(person__agency=cast.hr.agency, valid_through=today - timedelta(days=1))
    CredentialFactory(person__agency=cast.hr_other.agency, valid_through=today + timedelta(days=5))
    assert reports.dashboard_for(cast.hr).expiring_credentials == 1
    assert reports.dashboard_for(cast.hr_other).expiring_credentials == 1
    assert reports.expiring_credentials(cast.analyst, today=today) == 0


def test_postgresql_connections_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
