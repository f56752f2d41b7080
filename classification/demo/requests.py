"""Demo requests at every step of the workflow, their decision details, a departed analyst's
queue and the delegations that cover it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    TECHNICIAN_1,
    TECHNICIAN_2,
)
from facilities import roles
from facilities.models import Delegation, User
from facilities.services.delegations import create_delegation

from ..models import Position, ReclassificationRequest, Title
from .steps import _draft, _run, clock

# Each scenario: the state it ends in, days ago it started, and the steps after submission.
SCENARIOS: list[tuple[str, int, list[tuple[str, str, dict[str, Any]]]]] = [
    ("draft", 2, []),
    ("submitted (overdue)", 45, []),
    ("submitted", 3, []),
    ("in review", 12, [("take", "analyst", {})]),
    (
        "waiting on the agency",
        20,
        [
            ("take", "analyst", {}),
            (
                "request_information",
                "analyst",
                {
                    "message": "Please send the current organization "
                    "chart signed by the facility director."
                },
            ),
        ],
    ),
    (
        "recommended",
        25,
        [
            ("take", "analyst2", {}),
            (
                "recommend",
                "analyst2",
                {
                    "recommendation": "approve",
                    "rationale": "Duties and supervision match the proposed title.",
                },
            ),
        ],
    ),
    (
        "approved",
        40,
        [
            ("take", "analyst", {}),
            (
                "recommend",
                "analyst",
                {
                    "recommendation": "approve",
                    "rationale": "Supervises two Technicians 1 as the standard describes.",
                },
            ),
            ("approve", "supervisor", {}),
        ],
    ),
    (
        "denied",
        38,
        [
            ("take", "analyst2", {}),
            (
                "recommend",
                "analyst2",
                {
                    "recommendation": "deny",
                    "rationale": "No Technician 1 reports to the position, and the standard's "
                    "Technician 2 supervises Technicians 1.",
                },
            ),
            ("deny", "supervisor", {"message": "The position supervises no Technician 1."}),
        ],
    ),
    ("withdrawn", 15, [("withdraw", "hr", {"message": "Position to be abolished."})]),
]


def seed_requests(stdout) -> int:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["analyst", "analyst2", "supervisor"])
    }
    if len(users) < 3:
        stdout.write("Demo requests skipped: demo DCC users missing.")
        return 0
    hrs = {
        u.agency_id: u
        for u in User.objects.filter(groups__name="Agency HR")
        .exclude(agency=None)
        .order_by("username")
    }
    # Technicians 1 across agencies in turn (the 03s of every facility, then the 04s, ...).
    candidates = sorted(
        (
            p
            for p in Position.objects.filter(title__code=TECHNICIAN_1, active=True)
            .select_related("facility")
            .order_by("item_number")
            if p.facility.agency_id in hrs
        ),
        key=lambda p: (p.item_number[-2:], p.item_number),
    )
    if ReclassificationRequest.objects.exists():
        stdout.write("Demo requests: already there.")
        return 0
    made = 0
    today = timezone.localdate()
    for (name, days_ago, steps), position in zip(SCENARIOS, candidates, strict=False):
        hr = hrs[position.facility.agency_id]
        day = today - timedelta(days=days_ago)
        with clock(day):
            r = _draft(hr, position, TECHNICIAN_2, complete=name != "draft")
            if name != "draft":
                _run(r, hr, "submit")
        for i, (action, who, kwargs) in enumerate(steps, start=1):
            actor = hr if who == "hr" else users[who]
            with clock(min(today, day + timedelta(days=2 * i))):
                _run(r, actor, action, **kwargs)
        made += 1
    stdout.write(f"Demo requests: {made} created.")
    return made


def seed_departed_analyst(stdout) -> int:
    """An analyst who left with requests still assigned (for the reassignment list)."""
    departed, created = User.objects.get_or_create(
        username="analyst-departed",
        defaults={"first_name": "Riley", "last_name": "Departed", "email": ""},
    )
    if created:
        departed.set_unusable_password()
        departed.save()
    if ReclassificationRequest.objects.filter(assigned_to=departed).exists():
        return 0
    departed.groups.add(Group.objects.get(name=roles.ANALYST))
    departed.is_active = True
    departed.save()
    hrs = {
        u.agency_id: u for u in User.objects.filter(groups__name="Agency HR").exclude(agency=None)
    }
    positions = [
        p
        for p in Position.objects.filter(item_number__endswith="-04", title__code=TECHNICIAN_1)
        .select_related("facility")
        .order_by("item_number")
        if p.facility.agency_id in hrs and not p.reclassifications.exists()
    ][:3]
    today = timezone.localdate()
    for i, position in enumerate(positions):
        hr = hrs[position.facility.agency_id]
        start = today - timedelta(days=20 + 9 * i)
        with clock(start):
            r = _draft(hr, position, TECHNICIAN_2)
            _run(r, hr, "submit")
        with clock(start + timedelta(days=2)):
            _run(r, departed, "take")
        if i == 2:
            with clock(start + timedelta(days=4)):
                _run(r, departed, "request_information", message="Please send the org chart.")
    departed.is_active = False
    departed.save(update_fields=["is_active"])
    stdout.write(f"Demo departed analyst with {len(positions)} assigned requests.")
    return len(positions)


def seed_delegations(stdout) -> int:
    """One past and one current delegation (docs/decisions/0018-delegation.md): Jordan
    Analyst was acting supervisor for Sam Supervisor for ten days five weeks ago and approved
    one request for him; this week Jordan covers Alex Analyst's queue."""
    if Delegation.objects.exists():
        stdout.write("Demo delegations: already there.")
        return 0
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["analyst", "analyst2", "supervisor", "admin"])
    }
    position = (
        Position.objects.filter(title__code=TECHNICIAN_1, active=True, reclassifications=None)
        .select_related("facility")
        .order_by("item_number")
        .first()
    )
    hr = (
        User.objects.filter(groups__name="Agency HR", agency=position.facility.agency_id).first()
        if position
        else None
    )
    if len(users) < 4 or hr is None or position is None:
        stdout.write("Demo delegations skipped: demo users or a free position missing.")
        return 0
    today = timezone.localdate()
    start = today - timedelta(days=40)
    with clock(start - timedelta(days=5)):
        create_delegation(
            actor=users["supervisor"],
            kind=Delegation.Kind.ACTING_SUPERVISOR,
            delegator=users["supervisor"],
            delegate=users["analyst2"],
            starts_on=start,
            ends_on=start + timedelta(days=9),
            note="Annual leave",
        )
    with clock(start - timedelta(days=10)):
        r = _draft(hr, position, TECHNICIAN_2)
        _run(r, hr, "submit")
    steps = [
        ("take", users["analyst"], {}),
        (
            "recommend",
            users["analyst"],
            {
                "recommendation": "approve",
                "rationale": "Supervises two Technicians 1 as the standard describes.",
            },
        ),
        ("approve", users["analyst2"], {}),  # acting for Sam Supervisor
    ]
    for i, (action, actor, kwargs) in enumerate(steps):
        with clock(start + timedelta(days=2 * i + 1)):
            _run(r, actor, action, **kwargs)
    with clock(today - timedelta(days=2)):
        create_delegation(
            actor=users["supervisor"],
            kind=Delegation.Kind.ANALYST_COVER,
            delegator=users["analyst"],
            delegate=users["analyst2"],
            starts_on=today - timedelta(days=2),
            ends_on=today + timedelta(days=5),
            note="Training course",
        )
    stdout.write("Demo delegations: one past (with a request decided by the delegate), one now.")
    return 2


# A Technician 2 proposed as an Administrator 2, approved as an Administrator 1 (assistant to
# the facility's Administrator 3) from a later day: the approved title everywhere, and a title
# change shown as pending until `apply_due_title_changes` runs on its date. And a Technician 2
# proposed as an Administrator 1 where the chief is an Administrator 2: the assistant clause's
# check fails. Facility codes from facilities.demo; the first suitable facility otherwise.
PENDING_FACILITY = "OMH-CDPC"


ASSISTANT_CHECK_FACILITY = "OMH-PPC"  # DRIFTED_CHIEFS: its chief is an Administrator 2


PENDING_DAYS = 35


def _technician_2_of(facility_code: str, chief_code: str) -> Position | None:
    positions = Position.objects.filter(
        item_number__endswith="-02",
        title__code=TECHNICIAN_2,
        active=True,
        reclassifications__isnull=True,
        facility__positions__item_number__endswith="-01",
        facility__positions__title__code=chief_code,
    ).select_related("facility")
    return (
        positions.filter(facility__code=facility_code).first()
        or positions.order_by("item_number").first()
    )


def seed_decision_details(stdout) -> int:
    """The two requests above (idempotent: skipped when their positions have requests)."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["analyst", "analyst2", "supervisor"])
    }
    if len(users) < 3:
        return 0
    hrs = {
        u.agency_id: u for u in User.objects.filter(groups__name="Agency HR").exclude(agency=None)
    }
    made = 0
    today = timezone.localdate()
    pending = _technician_2_of(PENDING_FACILITY, ADMINISTRATOR_3)
    if pending is not None and pending.facility.agency_id in hrs:
        hr = hrs[pending.facility.agency_id]
        start = today - timedelta(days=16)
        with clock(start):
            r = _draft(hr, pending, ADMINISTRATOR_2)
            _run(r, hr, "submit")
        with clock(start + timedelta(days=1)):
            _run(r, users["analyst"], "take")
        with clock(start + timedelta(days=9)):
            _run(
                r,
                users["analyst"],
                "recommend",
                recommendation="approve",
                recommended_title=Title.objects.get(code=ADMINISTRATOR_1),
                rationale="The position assists the facility's Administrator 3; the standard "
                "gives an assistant the Administrator 1 level, not Administrator 2.",
            )
        with clock(start + timedelta(days=12)):
            _run(
                r,
                users["supervisor"],
                "approve",
                effective_date=today + timedelta(days=PENDING_DAYS),
                message="Approved as Administrator 1, effective with the new unit's opening.",
            )
        made += 1
    assistant = _technician_2_of(ASSISTANT_CHECK_FACILITY, ADMINISTRATOR_2)
    if assistant is not None and assistant.facility.agency_id in hrs:
        hr = hrs[assistant.facility.agency_id]
        with clock(today - timedelta(days=6)):
            r = _draft(hr, assistant, ADMINISTRATOR_1)
            _run(r, hr, "submit")
        with clock(today - timedelta(days=5)):
            _run(r, users["analyst2"], "take")
        made += 1
    stdout.write(f"Demo approved-as-another-title and assistant-check requests: {made} created.")
    return made
