"""The transition table: DOMAIN.md's rows exactly, and every action allowed or refused for every
role and status through the services (parametrised from the table)."""

import pytest
from django.core.exceptions import ValidationError

from classification import services, workflow
from classification.models import ReclassificationEvent
from classification.workflow import TRANSITIONS
from common.errors import Refused
from tests.factories import committed

from .factories import reclassification_in

# DOMAIN.md, "Reclassification requests", written out by hand so the table cannot drift.
DOMAIN_TABLE = {
    ("create", ("new",), "draft", ("agency_hr",)),
    ("submit", ("draft",), "submitted", ("agency_hr",)),
    ("take", ("submitted",), "in_review", ("analyst",)),
    ("assign", ("submitted", "in_review"), "in_review", ("supervisor",)),
    ("return_to_queue", ("in_review",), "submitted", ("assigned_analyst", "supervisor")),
    ("request_information", ("in_review",), "info_requested", ("assigned_analyst",)),
    ("respond", ("info_requested",), "in_review", ("agency_hr",)),
    ("recommend", ("in_review",), "recommended", ("assigned_analyst",)),
    ("approve", ("recommended",), "approved", ("supervisor_not_recommender",)),
    ("deny", ("recommended",), "denied", ("supervisor_not_recommender",)),
    ("return_to_analyst", ("recommended",), "in_review", ("supervisor",)),
    (
        "withdraw",
        ("draft", "agency_comment", "submitted", "in_review", "info_requested"),
        "withdrawn",
        ("agency_hr", "employee"),
    ),
}
# The employee's own request (form CC-2E, DOMAIN.md "Reclassification requests"; decision
# 0015): the employee also creates, withdraws and responds; the agency comments.
EMPLOYEE_TABLE = {
    ("file", ("draft",), "agency_comment", ("employee",)),
    ("comment", ("agency_comment",), "submitted", ("employee_agency_hr",)),
    ("proceed_without_comment", ("agency_comment",), "submitted", ("analyst",)),
}
DOMAIN_TABLE = {
    (a, s, t, ("agency_hr", "employee") if a in ("create", "respond") else w)
    for a, s, t, w in DOMAIN_TABLE
} | EMPLOYEE_TABLE

# Which of the table's "who" each test role satisfies on the request the factory builds
# (assigned to `assigned`, recommended by `assigned`).
ROLE_HOLDS = {
    "hr": {"agency_hr"},
    "hr_other": set(),
    "analyst": {"analyst"},
    "assigned": {"analyst", "assigned_analyst"},
    "supervisor": {"analyst", "supervisor", "supervisor_not_recommender"},
}

ARGS = {
    "submit": {},
    "take": {},
    "assign": {"analyst": "analyst"},
    "return_to_queue": {"message": "Back."},
    "request_information": {"message": "Send the chart."},
    "respond": {"message": "Attached."},
    "recommend": {"recommendation": "approve", "rationale": "Fits."},
    "approve": {},
    "deny": {"message": "No."},
    "return_to_analyst": {"message": "Look again."},
    "withdraw": {"message": "Not needed."},
    "file": {},
    "comment": {"stance": "support", "message": "We support it."},
    "proceed_without_comment": {},
}


# Who acts through a delegation (docs/decisions/0018-delegation.md), beside DOMAIN.md's "who".
DELEGATED = {
    "return_to_queue": ("covering_analyst",),
    "request_information": ("covering_analyst",),
    "recommend": ("covering_analyst",),
    "approve": ("acting_supervisor_not_recommender",),
    "deny": ("acting_supervisor_not_recommender",),
    "return_to_analyst": ("acting_supervisor",),
}


def test_table_is_domain_table():
    """DOMAIN.md's rows, once the roles held through a delegation are set aside; those are
    exactly the decision record's."""
    own = {
        (
            t.action,
            t.sources,
            t.target,
            tuple(w for w in t.who if w not in workflow.DELEGATED_ROLES),
        )
        for t in TRANSITIONS
    }
    assert own == DOMAIN_TABLE
    delegated = {
        t.action: tuple(w for w in t.who if w in workflow.DELEGATED_ROLES)
        for t in TRANSITIONS
        if set(t.who) & set(workflow.DELEGATED_ROLES)
    }
    assert delegated == DELEGATED


def test_every_state_is_reachable_and_every_action_has_a_service():
    targets = {t.target for t in TRANSITIONS}
    assert targets == set(workflow.STATUSES)
    assert set(services.SERVICES) == set(workflow.ACTIONS) - {"create"}


CASES = [
    (t.action, status, role)
    for t in TRANSITIONS
    if t.action != "create"
    for status in workflow.STATUSES
    if status != workflow.AGENCY_COMMENT  # only an employee's request goes there
    for role in ROLE_HOLDS
]


@pytest.mark.parametrize(("action", "status", "role"), CASES)
def test_transition_allowed_or_refused(cast, fast_letter, action, status, role):
    transition = workflow.TRANSITIONS_BY_ACTION[action]
    expected = status in transition.sources and bool(ROLE_HOLDS[role] & set(transition.who))
    r = reclassification_in(status, hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor2)
    actor = getattr(cast, role)
    kwargs = {k: getattr(cast, v) if k == "analyst" else v for k, v in ARGS[action].items()}
    before = ReclassificationEvent.objects.filter(reclassification=r).count()

    # The buttons shown derive from the same table.
    assert (action in [t.action for t in workflow.allowed_transitions(actor, r)]) is expected

    if expected:
        done = services.SERVICES[action](
            actor=actor, reclassification_id=r.pk, expected_version=r.version, **kwargs
        )
        assert done.status == transition.target
        assert done.version == r.version + 1
        event = ReclassificationEvent.objects.filter(reclassification=r).latest("pk")
        assert (event.action, event.from_status, event.to_status, event.actor) == (
            action,
            status,
            transition.target,
            actor,
        )
    else:
        with pytest.raises(Refused):
            services.SERVICES[action](
                actor=actor, reclassification_id=r.pk, expected_version=r.version, **kwargs
            )
        r.refresh_from_db()
        assert r.status == status
    assert ReclassificationEvent.objects.filter(reclassification=r).count() == before + expected


def test_two_person_rule(cast, fast_letter):
    """A supervisor who recommended cannot decide; another supervisor can."""
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.supervisor)
    r = services.recommend_reclassification(
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
        recommendation="approve",
        rationale="Fits.",
    )
    assert "approve" not in [t.action for t in workflow.allowed_transitions(cast.supervisor, r)]
    for action in ("approve", "deny"):
        with pytest.raises(Refused, match="another supervisor"):
            services.SERVICES[action](
                actor=cast.supervisor,
                reclassification_id=r.pk,
                expected_version=r.version,
                **ARGS[action],
            )
    done = services.approve_reclassification(
        actor=cast.supervisor2, reclassification_id=r.pk, expected_version=r.version
    )
    assert done.status == "approved" and done.decided_by == cast.supervisor2


def test_stale_version_is_a_conflict_and_changes_nothing(cast):
    r = reclassification_in("submitted", hr=cast.hr)
    services.take_reclassification(
        actor=cast.analyst, reclassification_id=r.pk, expected_version=r.version
    )
    with pytest.raises(services.ConflictError, match="changed since you opened it") as stale:
        services.return_reclassification_to_queue(
            actor=cast.supervisor, reclassification_id=r.pk, expected_version=r.version
        )
    # What changed, in words ("Take", not the action's code "take"), and by whom.
    assert f"(last: “Take” by {cast.analyst})" in str(stale.value.message)
    r.refresh_from_db()
    assert (r.status, r.assigned_to) == ("in_review", cast.analyst)
    assert r.events.count() == 2


def test_submit_lists_what_is_missing(cast):
    r = reclassification_in("draft", hr=cast.hr, complete=False)
    with pytest.raises(services.IncompleteError) as excinfo:
        services.submit_reclassification(
            actor=cast.hr, reclassification_id=r.pk, expected_version=r.version
        )
    text = " ".join(excinfo.value.messages)
    assert "justification" in text and "100%" in text and "organization chart" in text
    r.refresh_from_db()
    assert r.status == "draft" and r.events.count() == 1


def test_submit_freezes_determination_and_starts_clock(cast):
    r = reclassification_in("draft", hr=cast.hr)
    done = services.submit_reclassification(
        actor=cast.hr, reclassification_id=r.pk, expected_version=r.version
    )
    assert done.submitted_on is not None
    assert done.standard_id == "3616110, 9/2021"
    assert done.warranted_title.code == "3616530"  # adult psychiatric center → Administrator 3
    assert done.determination_clauses


def test_create_is_idempotent_and_one_open_request_per_position(cast):
    import uuid

    from classification.models import ReclassificationRequest

    from .factories import PositionFactory, title

    position = PositionFactory(facility__agency=cast.hr.agency)
    token = uuid.uuid4()
    kwargs = {"actor": cast.hr, "position": position, "proposed_title": title("3616120")}
    first = services.create_reclassification(creation_token=token, **kwargs)
    again = services.create_reclassification(creation_token=token, **kwargs)
    assert again.pk == first.pk
    assert ReclassificationRequest.objects.filter(position=position).count() == 1
    with pytest.raises(ValidationError, match="already has an open request"):
        services.create_reclassification(**kwargs)
    with pytest.raises(Refused):
        services.create_reclassification(
            actor=cast.hr_other, position=PositionFactory(), proposed_title=title("3616120")
        )


def test_info_request_pauses_the_clock(cast):
    from datetime import timedelta

    from django.utils import timezone

    from classification.models import ReclassificationRequest
    from classification.selectors import with_turnaround

    r = reclassification_in("info_requested", hr=cast.hr, assigned=cast.assigned)
    today = timezone.localdate()
    row = with_turnaround(ReclassificationRequest.objects.filter(pk=r.pk)).get()
    assert row.open_for == timedelta(days=8)  # 10 days since submission, 2 of them paused
    services.respond_to_reclassification(
        actor=cast.hr, reclassification_id=r.pk, expected_version=r.version, message="Here."
    )
    later = with_turnaround(ReclassificationRequest.objects.filter(pk=r.pk), today + timedelta(5))
    assert later.get().open_for == timedelta(days=13)


def test_approval_changes_the_title_with_history(cast, fast_letter):
    r = reclassification_in(
        "recommended", hr=cast.hr, assigned=cast.assigned, recommender=cast.assigned
    )
    from datetime import date

    done = committed(  # the letter is stored after the commit
        services.approve_reclassification,
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
        effective_date=date(2027, 1, 7),
    )
    done.position.refresh_from_db()
    # Recorded now, in effect from Jan 7, 2027 (the daily run applies it on that day).
    assert done.position.title.code == "3616110"
    services.apply_due_title_changes(on=date(2027, 1, 7))
    done.position.refresh_from_db()
    assert done.position.title.code == "3616120"
    change = done.position.title_changes.get()
    assert (change.from_title.code, change.to_title.code, change.effective_on) == (
        "3616110",
        "3616120",
        date(2027, 1, 7),
    )
    assert done.letter and len(done.letter_sha256) == 64
