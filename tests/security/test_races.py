"""Races on PostgreSQL: several threads at once on each transition, lined up on a barrier.

Each thread has its own database connection (closed at the thread's end). Exactly one thread
wins; every other gets a clear refusal (a conflict, or "not possible now"), the request gains
exactly one event, and afterwards the invariant queries (tests/ops/invariants.py) and the audit
chain find nothing wrong.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from candidates.dates import today_in_new_york
from classification import services
from classification.models import (
    Position,
    PositionTitleChange,
    ReclassificationEvent,
    ReclassificationRequest,
    Title,
)
from classification.standard import TECHNICIAN_2
from common.audit import chained_models, first_broken_row
from common.errors import Refused
from tests.classification.factories import PositionFactory, reclassification_in
from tests.factories import (
    AgencyFactory,
    FacilityFactory,
    UserFactory,
    analyst_user,
    hr_user,
    supervisor_user,
)
from tests.locks import another_session_waits_on_a_lock
from tests.ops.invariants import violations

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4
REFUSALS = (services.ConflictError, Refused, ValidationError)


@dataclass
class Racer:
    actor: object
    action: str
    kwargs: dict


def race(calls: list[Callable[[], object]]) -> list[str]:
    """Run the calls at the same moment, each in its own thread: "ok" or the refusal's name."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[i] = "ok"
        except REFUSALS as exc:
            outcomes[i] = type(exc).__name__
        except Exception as exc:  # anything else is a bug: show it in the assertion
            outcomes[i] = f"ERROR {type(exc).__name__}: {exc}"
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def transition(racer: Racer, r: ReclassificationRequest) -> Callable[[], object]:
    return lambda: services.SERVICES[racer.action](
        actor=racer.actor, reclassification_id=r.pk, **racer.kwargs
    )


def assert_consistent() -> None:
    with connections["default"].cursor() as cursor:
        assert violations(cursor) == {}
    for model in chained_models():
        assert first_broken_row(model) is None, model.__name__


@pytest.fixture
def people(db, fast_letter):
    return {
        "hr": hr_user("OMH", username="hr-race"),
        "analysts": [analyst_user(username=f"analyst-race-{i}") for i in range(THREADS)],
        "supervisors": [supervisor_user(username=f"sup-race-{i}") for i in range(THREADS)],
    }


def request_in(status: str, *, hr, analyst) -> ReclassificationRequest:
    """A request brought to `status` through the services, so its events tell its history."""
    r = reclassification_in("draft", hr=hr)
    steps = {
        "submitted": [(hr, "submit", {})],
        "in_review": [(hr, "submit", {}), (analyst, "take", {})],
        "recommended": [
            (hr, "submit", {}),
            (analyst, "take", {}),
            (
                analyst,
                "recommend",
                {
                    "recommendation": "approve",
                    "recommended_title": r.proposed_title,
                    "rationale": "Fits the standard.",
                },
            ),
        ],
    }[status]
    for actor, action, kwargs in steps:
        r = services.SERVICES[action](
            actor=actor, reclassification_id=r.pk, expected_version=r.version, **kwargs
        )
    return r


def _events(r, before: int) -> int:
    """Events the race added."""
    return ReclassificationEvent.objects.filter(reclassification=r).count() - before


@pytest.mark.parametrize("stale_form", [True, False], ids=["same-version", "no-version"])
def test_analysts_taking_the_same_request(people, stale_form):
    """Four analysts press "Take" together: one gets it, the others are told it moved on."""
    r = request_in("submitted", hr=people["hr"], analyst=people["analysts"][0])
    before = r.events.count()
    version = r.version if stale_form else None
    outcomes = race(
        [transition(Racer(a, "take", {"expected_version": version}), r) for a in people["analysts"]]
    )
    assert outcomes.count("ok") == 1, outcomes
    assert all(o in {"ok", "ConflictError", "Refused"} for o in outcomes), outcomes
    r.refresh_from_db()
    winner = people["analysts"][outcomes.index("ok")]
    assert r.status == "in_review" and r.assigned_to == winner
    assert _events(r, before) == 1
    assert_consistent()


def test_a_double_submitted_recommendation(people):
    """The assigned analyst's recommendation posted four times at once is recorded once."""
    analyst = people["analysts"][0]
    r = request_in("in_review", hr=people["hr"], analyst=analyst)
    before = r.events.count()
    kwargs = {
        "expected_version": r.version,
        "recommendation": "approve",
        "recommended_title": r.proposed_title,
        "rationale": "Supervises two Technicians 1.",
    }
    outcomes = race([transition(Racer(analyst, "recommend", kwargs), r) for _ in range(THREADS)])
    assert outcomes.count("ok") == 1, outcomes
    r.refresh_from_db()
    assert r.status == "recommended" and r.recommended_by == analyst
    assert _events(r, before) == 1
    assert_consistent()


def test_supervisors_approving_together(people):
    r = request_in("recommended", hr=people["hr"], analyst=people["analysts"][0])
    before = r.events.count()
    outcomes = race(
        [
            transition(Racer(s, "approve", {"expected_version": None}), r)
            for s in people["supervisors"]
        ]
    )
    assert outcomes.count("ok") == 1, outcomes
    r.refresh_from_db()
    assert r.status == "approved"
    assert _events(r, before) == 1
    assert PositionTitleChange.objects.filter(reclassification=r).count() == 1
    assert_consistent()


def test_deny_against_approve(people):
    """Two supervisors approve while two deny: one decision stands, with its own letter."""
    r = request_in("recommended", hr=people["hr"], analyst=people["analysts"][0])
    before = r.events.count()
    sups = people["supervisors"]
    racers = [
        Racer(sups[0], "approve", {"expected_version": None}),
        Racer(sups[1], "deny", {"expected_version": None, "message": "Does not fit."}),
        Racer(sups[2], "approve", {"expected_version": None}),
        Racer(sups[3], "deny", {"expected_version": None, "message": "Does not fit."}),
    ]
    outcomes = race([transition(racer, r) for racer in racers])
    assert outcomes.count("ok") == 1, outcomes
    winner = racers[outcomes.index("ok")]
    r.refresh_from_db()
    assert r.status == {"approve": "approved", "deny": "denied"}[winner.action]
    assert r.decided_by == winner.actor
    assert _events(r, before) == 1
    assert PositionTitleChange.objects.filter(reclassification=r).count() == (
        1 if winner.action == "approve" else 0
    )
    assert_consistent()


@pytest.mark.parametrize(
    ("status", "against"),
    [("submitted", "take"), ("in_review", "recommend"), ("recommended", "approve")],
)
def test_withdraw_against_dcc(people, status, against):
    """The agency withdraws while DCC acts, both from the page they see (its version):
    exactly one of them wins, never both."""
    analyst = people["analysts"][0]
    r = request_in(status, hr=people["hr"], analyst=analyst)
    before = r.events.count()
    dcc = {
        "take": Racer(analyst, "take", {"expected_version": r.version}),
        "recommend": Racer(
            analyst,
            "recommend",
            {
                "expected_version": r.version,
                "recommendation": "deny",
                "recommended_title": None,
                "rationale": "Not warranted.",
            },
        ),
        "approve": Racer(people["supervisors"][0], "approve", {"expected_version": r.version}),
    }[against]
    withdraw = Racer(people["hr"], "withdraw", {"expected_version": r.version, "message": "Moved."})
    racers = [withdraw, dcc, withdraw, dcc]
    outcomes = race([transition(racer, r) for racer in racers])
    assert outcomes.count("ok") == 1, outcomes
    r.refresh_from_db()
    winner = racers[outcomes.index("ok")]
    assert r.status == ("withdrawn" if winner is withdraw else dcc_target(against))
    if status == "recommended":
        assert r.status == "approved"  # a recommended request can no longer be withdrawn
    assert _events(r, before) == 1
    assert_consistent()


def dcc_target(action: str) -> str:
    return {"take": "in_review", "recommend": "recommended", "approve": "approved"}[action]


def test_two_drafts_for_one_position(people):
    """Two HR tabs start a request for the same position at once: one draft, one refusal."""
    hr = people["hr"]
    position = PositionFactory(facility__agency=hr.agency)
    proposed = Title.objects.get(code=TECHNICIAN_2)
    outcomes = race(
        [
            lambda: services.create_reclassification(
                actor=hr, position=position, proposed_title=proposed, justification="x"
            )
            for _ in range(THREADS)
        ]
    )
    assert outcomes.count("ok") == 1, outcomes
    assert ReclassificationRequest.objects.filter(position=position).count() == 1
    assert_consistent()


def test_position_moved_while_it_is_approved(people):
    """A supervisor approves while an administrator moves the position to another agency's
    facility in the admin (the move's trigger rewrites the request's agency). The approval is
    held just after its first row lock and the move starts then: both finish, the request has
    the new agency and the position the new title. With two lock orders (the approval's
    request then position, the trigger's position then requests) PostgreSQL aborts one as a
    deadlock; an admin that saved every field put the old title back."""
    r = request_in("recommended", hr=people["hr"], analyst=people["analysts"][0])
    elsewhere = FacilityFactory(agency=AgencyFactory(code="DOCCS"))
    admin = UserFactory(username="admin-race", is_staff=True, is_superuser=True)
    change_page = reverse("admin:classification_position_change", args=[r.position_id])
    holding, go_on = threading.Event(), threading.Event()

    def pause_after_first_lock(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "FOR UPDATE" in sql and not holding.is_set():
            holding.set()
            go_on.wait(timeout=10)
        return result

    def approve() -> None:
        with connection.execute_wrapper(pause_after_first_lock):
            services.approve_reclassification(
                actor=people["supervisors"][0],
                reclassification_id=r.pk,
                expected_version=None,
                effective_date=today_in_new_york(),  # in effect at once: the title is stored now
            )

    def move() -> None:
        assert holding.wait(timeout=10)
        client = Client()
        client.force_login(admin)
        response = client.post(
            change_page,
            {
                "item_number": r.position.item_number,
                "facility": elsewhere.pk,
                "active": "on",
                "title_changes-TOTAL_FORMS": "0",
                "title_changes-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors

    def release_once_the_move_waits() -> None:
        """Let the approval go on only when the move is blocked on one of its locks."""
        assert holding.wait(timeout=10)
        try:
            for _ in range(100):
                if another_session_waits_on_a_lock():
                    return
                time.sleep(0.05)
            raise AssertionError("the move never waited for the approval")
        finally:
            go_on.set()

    outcomes = race([approve, move, release_once_the_move_waits])
    assert outcomes == ["ok", "ok", "ok"], outcomes
    r.refresh_from_db()
    assert r.status == "approved" and r.agency == elsewhere.agency
    assert Position.objects.filter(
        pk=r.position_id, facility=elsewhere, title=r.proposed_title
    ).exists()
    assert_consistent()


def _draft_form(client: Client, position) -> dict:
    """The new-request form as HR's page draws it (with its creation token), filled in."""
    page = client.get(reverse("classification:reclassification_create"))
    token = page.context["form"]["creation_token"].value()
    return {
        "position": position.pk,
        "proposed_title": Title.objects.get(code=TECHNICIAN_2).pk,
        "creation_token": token,
        "justification": "Supervises two Technicians 1.",
        "technicians_1_supervised": 2,
        "technicians_2_supervised": 0,
        "clerical_supervised": 0,
        "duty_0": "Supervise",
        "duty_0_percent": 100,
    }


def _pause_after(sql_part: str, holding: threading.Event, go_on: threading.Event):
    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql_part in sql and not holding.is_set():
            holding.set()
            assert go_on.wait(timeout=10)
        return result

    return wrapper


@pytest.mark.parametrize(
    "second_arrives", ["while the first holds the position", "between its check and its form"]
)
def test_the_same_new_request_form_posted_twice_at_once(people, second_arrives):
    """A double click on "Save draft": two posts of one form (one creation token) at once.
    Decision 0002: the second is sent to the draft the first created, never a 400.

    Two orders, each held in place: the second post reaches the service while the first
    holds the position's lock (today: "already has an open request", 400), or it finds no
    draft for its token, then the first commits before its form is checked (today: the
    position is no longer open, so the form refused it, 400)."""
    hr = people["hr"]
    position = PositionFactory(facility__agency=hr.agency)
    first, second = Client(), Client()
    first.force_login(hr)
    second.force_login(hr)
    data = _draft_form(first, position)
    url = reverse("classification:reclassification_create")
    holding, go_on = threading.Event(), threading.Event()
    answers: dict[str, object] = {}

    if second_arrives == "while the first holds the position":
        held, pause_on = "first", "FOR UPDATE"
    else:
        held, pause_on = "second", "creation_token"

    def post(name: str, client: Client) -> None:
        if name == held:
            with connection.execute_wrapper(_pause_after(pause_on, holding, go_on)):
                answers[name] = client.post(url, data)
        else:
            assert holding.wait(timeout=10)
            answers[name] = client.post(url, data)

    def release() -> None:
        assert holding.wait(timeout=10)
        try:
            for _ in range(100):
                if held == "first" and another_session_waits_on_a_lock():
                    return  # the second post waits on the first's lock
                if held == "second" and "first" in answers:
                    return  # the first post has committed its draft
                time.sleep(0.05)
            raise AssertionError("the other post never got where it should")
        finally:
            go_on.set()

    outcomes = race([lambda: post("first", first), lambda: post("second", second), release])
    assert outcomes == ["ok", "ok", "ok"], outcomes
    (draft,) = ReclassificationRequest.objects.filter(position=position)
    for name in ("first", "second"):
        response = answers[name]
        assert response.status_code == 302, (name, response.status_code)
        assert response["Location"] == draft.get_absolute_url(), name
    assert draft.events.count() == 1 and draft.status == "draft"
    assert_consistent()
