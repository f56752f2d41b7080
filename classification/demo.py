"""Demo positions and reclassification requests for `seed_demo` (idempotent).

Positions are keyed by item number; requests are created only for positions that have none,
through the same services the site uses, with the clock set back so turnaround and events agree.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from candidates.models import Person
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    TECHNICIAN_1,
    TECHNICIAN_2,
)
from facilities.models import Agency, AnnualActivity, Facility, User

from . import services
from .models import Position, ReclassificationRequest, Title
from .selectors import determination_for_facility

# Used only when an agency has no facility at all (the facilities app seeds the real ones).
FALLBACK_FACILITIES = {
    "OMH": ("WF-OMH-1", "Capital District Psychiatric Center (demo)", "adult_pc_freestanding"),
    "OPWDD": ("WF-OPWDD-1", "Finger Lakes DDSOO (demo)", "ddsoo"),
    "DOCCS": ("WF-DOCCS-1", "Walsh Regional Medical Unit (demo)", "doccs_rmu"),
    "OASAS": ("WF-OASAS-1", "Stutzman Addiction Treatment Center (demo)", "other"),
}

# A tiny but real PDF, enough for the organization chart the demo requests need.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 1/Kids"
    b"[3 0 R]>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@contextmanager
def clock(day: date):
    """Services stamp times with timezone.now(): pretend it is 10:00 New York time on `day`."""
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _fallback_facilities(stdout) -> None:
    for agency in Agency.objects.all():
        if agency.facilities.exists() or agency.code not in FALLBACK_FACILITIES:
            continue
        code, name, kind = FALLBACK_FACILITIES[agency.code]
        facility, _ = Facility.objects.get_or_create(
            code=code, defaults={"agency": agency, "name": name, "facility_type": kind}
        )
        if kind == "ddsoo":
            for year, people in ((2023, 3400), (2024, 3600)):
                AnnualActivity.objects.get_or_create(
                    facility=facility,
                    fiscal_year=year,
                    defaults={
                        "individuals_served": people,
                        "records_activities": 180_000,
                        "status": AnnualActivity.Status.ACCEPTED,
                    },
                )
        stdout.write(f"Demo facility {code} created (agency {agency.code} had none).")


# Chiefs deliberately not at the warranted level, so the drift report has something to show:
# Pilgrim warrants Administrator 3 (drift up), Wende's RMU Administrator 1 (drift down).
DRIFTED_CHIEFS = {"OMH-PPC": ADMINISTRATOR_2, "DOCCS-WENDE": ADMINISTRATOR_2}


def seed_positions(stdout) -> int:
    """Per facility: a chief Administrator at the warranted level (except DRIFTED_CHIEFS), a
    Technician 2 and Technicians 1 reporting to it (item numbers <facility code>-01..06)."""
    titles = {t.code: t for t in Title.objects.all()}
    start = date(2020, 4, 1)
    created = 0
    for facility in Facility.objects.filter(active=True).order_by("code"):
        warranted = determination_for_facility(facility).title
        chief_code = warranted.code if warranted else ADMINISTRATOR_1
        chief_code = DRIFTED_CHIEFS.get(facility.code, chief_code)
        plan = [
            ("01", chief_code, None),
            ("02", TECHNICIAN_2, "01"),
            ("03", TECHNICIAN_1, "02"),
            ("04", TECHNICIAN_1, "02"),
            ("05", TECHNICIAN_1, "02"),
            ("06", TECHNICIAN_1, "02"),
        ]
        # Leave one Technician 2 alone with no Technician 1, for the supervision check to flag.
        if facility.facility_type == "other":
            plan = [("01", chief_code, None), ("02", TECHNICIAN_2, "01")]
        by_suffix: dict[str, Position] = {}
        for suffix, code, reports in plan:
            item = f"{facility.code}-{suffix}"[:20]
            position = Position.objects.filter(item_number=item).first()
            if position is None:
                position = services.create_position(
                    item_number=item,
                    facility=facility,
                    title=titles[code],
                    effective_on=start,
                    reports_to=by_suffix.get(reports) if reports else None,
                )
                created += 1
            by_suffix[suffix] = position
    stdout.write(f"Demo positions: {created} created.")
    return created


def _draft(hr: User, position: Position, proposed: str, *, complete: bool = True):
    r = services.create_reclassification(
        actor=hr,
        position=position,
        proposed_title=Title.objects.get(code=proposed),
        justification="The position now supervises the unit's Technicians and runs the "
        "release-of-information desk."
        if complete
        else "",
        purpose="Manage health records for the facility's units.",
        reporting_relationships="Reports to the chief of health information management.",
        technicians_1_supervised=2,
        clerical_supervised=1,
        requested_effective_date=timezone.localdate() + timedelta(days=30),
        contact_name=hr.get_full_name(),
        contact_email=hr.email,
        duties=[
            ("Supervise Technicians 1 and clerical staff", 40),
            ("Audit records for completeness", 35),
            ("Answer release-of-information requests", 25 if complete else 15),
        ],
    )
    if complete:
        services.add_attachment(
            actor=hr,
            reclassification_id=r.pk,
            kind="org_chart",
            upload=SimpleUploadedFile("organization chart.pdf", DEMO_PDF, "application/pdf"),
        )
    return r


def _run(r, actor, action, **kwargs):
    r.refresh_from_db()
    return services.SERVICES[action](
        actor=actor, reclassification_id=r.pk, expected_version=r.version, **kwargs
    )


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
                    "rationale": "The facility's type does not warrant this level.",
                },
            ),
            ("deny", "supervisor", {"message": "The standard gives this facility a lower level."}),
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


def seed_incumbents(stdout) -> int:
    """Seat the demo people (candidates.demo) in their agency's positions, those under a
    reclassification request first, so each request page shows an incumbent's evaluation."""
    seated = 0
    for person in Person.objects.filter(employee_id__startswith="DEMO-").order_by("employee_id"):
        if Position.objects.filter(incumbent=person).exists():
            continue
        vacant = Position.objects.filter(facility__agency=person.agency_id, incumbent=None)
        position = (
            vacant.filter(reclassifications__isnull=False).order_by("reclassifications__pk").first()
            or vacant.filter(title__code=TECHNICIAN_1).order_by("item_number").first()
        )
        if position is not None:
            Position.objects.filter(pk=position.pk).update(incumbent=person)
            seated += 1
    stdout.write(f"Demo incumbents: {seated} seated.")
    return seated


# Decided requests over the last year, for the turnaround report and the dashboard charts:
# (days before today it was submitted, days to decision, decision, info requested?).
HISTORY = [
    (360 - 15 * k, days, "deny" if k % 3 == 2 else "approve", k % 4 == 1)
    for k, days in enumerate(
        [12, 25, 31, 18, 44, 9, 27, 35, 22, 58, 15, 29, 40, 19, 33, 24, 65, 11, 28, 37, 21]
    )
]


def _history_positions() -> list[Position]:
    """Technicians 1 (items -05, -06) and Technicians 2 (-02) across agencies in turn."""
    # By item number only (not title): approvals change titles, and the list must stay put
    # for the seed to stay idempotent.
    positions = (
        Position.objects.filter(item_number__regex=r"-0[256]$")
        .select_related("facility", "title")
        .order_by("item_number")
    )
    by_agency: dict[int, list[Position]] = {}
    for p in positions:
        by_agency.setdefault(p.facility.agency_id, []).append(p)
    mixed = []
    while any(by_agency.values()):
        for queue in by_agency.values():
            if queue:
                mixed.append(queue.pop(0))
    return mixed


def seed_history(stdout) -> int:
    """Decided requests spread over twelve months, through the services with the clock set
    back (idempotent: a position that already has a request is skipped)."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["analyst", "analyst2", "supervisor"])
    }
    hrs = {
        u.agency_id: u for u in User.objects.filter(groups__name="Agency HR").exclude(agency=None)
    }
    if len(users) < 3:
        return 0
    today = timezone.localdate()
    made = 0
    positions = [p for p in _history_positions() if p.facility.agency_id in hrs]
    for (ago, days, decision, ask), position in zip(HISTORY, positions, strict=False):
        if position.reclassifications.exists():
            continue
        hr = hrs[position.facility.agency_id]
        analyst = users["analyst" if made % 2 else "analyst2"]
        if position.title.code not in (TECHNICIAN_1, TECHNICIAN_2) or not position.active:
            continue
        proposed = TECHNICIAN_2 if position.title.code == TECHNICIAN_1 else ADMINISTRATOR_1
        start = today - timedelta(days=ago)
        with clock(start):
            r = _draft(hr, position, proposed)
            _run(r, hr, "submit")
        with clock(start + timedelta(days=1)):
            _run(r, analyst, "take")
        paused = 0
        if ask:
            paused = 6
            with clock(start + timedelta(days=3)):
                _run(r, analyst, "request_information", message="Please send the duties audit.")
            with clock(start + timedelta(days=3 + paused)):
                _run(r, hr, "respond", message="Attached to the file as requested.")
        end = start + timedelta(days=days + paused)
        with clock(end - timedelta(days=2)):
            _run(
                r,
                analyst,
                "recommend",
                recommendation=decision,
                rationale="Duties and supervision match the proposed title."
                if decision == "approve"
                else "The duties described are those of the current title.",
            )
        with clock(end):
            if decision == "approve":
                _run(r, users["supervisor"], "approve")
            else:
                _run(r, users["supervisor"], "deny", message="The duties fit the current title.")
        made += 1
    stdout.write(f"Demo decided requests over the year: {made} created.")
    return made


def seed_departed_analyst(stdout) -> int:
    """An analyst who left with requests still assigned (for the reassignment list)."""
    from django.contrib.auth.models import Group

    from facilities import roles

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
    from facilities.models import Delegation
    from facilities.services.delegations import create_delegation

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


EMPLOYEE_JUSTIFICATION = (
    "Since the unit's reorganization I lead the release-of-information desk and check the "
    "work of two Technicians 1 every day."
)
EMPLOYEE_DUTIES = [
    ("Lead the release-of-information desk", 40),
    ("Review the Technicians' coding and record completeness", 35),
    ("Code and abstract records", 25),
]
# The employee's requests (form CC-2E), one per state of the path: (name, days ago it was
# drafted, steps as (action, who, days after the drafting, kwargs)). Closed ones come first:
# each later one reuses a position whose earlier request is closed.
EMPLOYEE_SCENARIOS: list[tuple[str, int, list[tuple[str, str, int, dict[str, Any]]]]] = [
    (
        "withdrawn",
        90,
        [
            ("file", "employee", 1, {}),
            (
                "withdraw",
                "employee",
                4,
                {"message": "I will file again once the new unit is staffed."},
            ),
        ],
    ),
    (
        "denied",
        80,
        [
            ("file", "employee", 1, {}),
            (
                "comment",
                "hr",
                12,
                {
                    "stance": "oppose",
                    "shared": False,
                    "message": "The desk's supervision is the unit chief's; the employee assists.",
                },
            ),
            ("take", "analyst2", 14, {}),
            (
                "recommend",
                "analyst2",
                20,
                {"recommendation": "deny", "rationale": "No Technician 1 reports to the position."},
            ),
            (
                "deny",
                "supervisor",
                24,
                {"message": "The duties do not include supervising Technicians 1."},
            ),
        ],
    ),
    (
        "approved",
        70,
        [
            ("file", "employee", 1, {}),
            (
                "comment",
                "hr",
                8,
                {
                    "stance": "support",
                    "shared": True,
                    "message": "The agency supports the request: the duties are as described.",
                },
            ),
            ("take", "analyst", 10, {}),
            (
                "recommend",
                "analyst",
                16,
                {
                    "recommendation": "approve",
                    "rationale": "Leads two Technicians 1, as the Technician 2 standard describes.",
                },
            ),
            ("approve", "supervisor", 20, {}),
        ],
    ),
    ("draft", 1, []),
    ("with the agency for comment", 6, [("file", "employee", 1, {})]),
    ("comment period over", 40, [("file", "employee", 1, {})]),
    (
        "submitted after the agency's comment",
        14,
        [
            ("file", "employee", 1, {}),
            (
                "comment",
                "hr",
                9,
                {
                    "stance": "no_position",
                    "shared": True,
                    "message": "The agency takes no position.",
                },
            ),
        ],
    ),
    (
        "in review without the agency's comment",
        45,
        [
            ("file", "employee", 1, {}),
            ("proceed_without_comment", "analyst", 33, {"message": "No comment came in time."}),
            ("take", "analyst", 34, {}),
        ],
    ),
    (
        "waiting on the employee",
        30,
        [
            ("file", "employee", 1, {}),
            (
                "comment",
                "hr",
                6,
                {
                    "stance": "support",
                    "shared": False,
                    "message": "Supported; the unit's chart is attached.",
                },
            ),
            ("take", "analyst2", 8, {}),
            (
                "request_information",
                "analyst2",
                10,
                {"message": "Please describe a typical week at the release-of-information desk."},
            ),
        ],
    ),
    (
        "recommended",
        35,
        [
            ("file", "employee", 1, {}),
            (
                "comment",
                "hr",
                7,
                {
                    "stance": "support",
                    "shared": True,
                    "message": "The agency supports the request.",
                },
            ),
            ("take", "analyst", 9, {}),
            (
                "recommend",
                "analyst",
                14,
                {
                    "recommendation": "approve",
                    "rationale": "Duties and supervision match the Technician 2 standard.",
                },
            ),
        ],
    ),
]
# The positions they take, by scenario (the closed ones share the open ones' positions).
EMPLOYEE_POSITION_OF = {"withdrawn": 3, "denied": 4}


def seed_employee_requests(stdout) -> int:
    """The demo employee `employee-omh` holds OMH Technician 1 positions with no request yet,
    and has a request of their own (form CC-2E) in each state of its path, through the
    services, with the clock set back."""
    employee = User.objects.filter(username="employee-omh").first()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["analyst", "analyst2", "supervisor", "hr-omh"])
    }
    if employee is None or len(users) < 4:
        stdout.write("Demo employee requests skipped: demo users missing.")
        return 0
    if ReclassificationRequest.objects.filter(employee=employee).exists():
        stdout.write("Demo employee requests: already there.")
        return 0
    open_count = len(EMPLOYEE_SCENARIOS) - len(EMPLOYEE_POSITION_OF)
    positions = list(
        Position.objects.filter(facility__agency__code="OMH", title__code=TECHNICIAN_1, active=True)
        .exclude(reclassifications__isnull=False)
        .order_by("item_number")[:open_count]
    )
    if len(positions) < open_count:
        stdout.write("Demo employee requests skipped: too few free OMH positions.")
        return 0
    for position in positions:
        position.employees.add(employee)
    today = timezone.localdate()
    made = 0
    free = iter(positions)
    taken: list[Position] = []
    for name, days_ago, steps in EMPLOYEE_SCENARIOS:
        if name in EMPLOYEE_POSITION_OF:
            position = positions[EMPLOYEE_POSITION_OF[name]]
        else:
            position = next(free)
            taken.append(position)
        position.refresh_from_db()
        day = today - timedelta(days=days_ago)
        with clock(day):
            r = services.create_reclassification(
                actor=employee,
                position=position,
                proposed_title=Title.objects.get(code=TECHNICIAN_2),
                justification=EMPLOYEE_JUSTIFICATION,
                purpose="Keep the unit's health records complete and released on time.",
                reporting_relationships="I report to the Health Information Management "
                "Administrator; two Technicians 1 bring their work to me.",
                requested_effective_date=day + timedelta(days=60),
                duties=EMPLOYEE_DUTIES,
            )
            services.add_attachment(
                actor=employee,
                reclassification_id=r.pk,
                kind="duties",
                upload=SimpleUploadedFile("my duties.pdf", DEMO_PDF, "application/pdf"),
            )
        for action, who, after, kwargs in steps:
            actor = employee if who == "employee" else users["hr-omh" if who == "hr" else who]
            if action == "comment":
                kwargs = {
                    **kwargs,
                    "files": [
                        (
                            "org_chart",
                            SimpleUploadedFile(
                                "unit organization chart.pdf", DEMO_PDF, "application/pdf"
                            ),
                        )
                    ],
                }
            with clock(min(today, day + timedelta(days=after))):
                _run(r, actor, action, **kwargs)
        made += 1
    stdout.write(f"Demo employee requests: {made} created for employee-omh.")
    return made


# Appeals (decision 0021-appeals): a denied request's appeal in each state, and a denial
# whose appeal period has ended. (name, days ago the request started, appeal steps)
APPEAL_SCENARIOS = [
    ("appeal filed", 30, []),
    ("appeal sent to the Commission", 50, ["transmit"]),
    ("appeal decided (reversed)", 70, ["transmit", "decide"]),
    ("appeal closed (upheld)", 90, ["transmit", "decide", "close"]),
    ("appeal period ended", 120, None),
]
APPEAL_GROUNDS = (
    "The position reviews the work of two Technicians 1 every day and signs off on release "
    "of information; the organization chart attached shows both reporting to it."
)


def seed_appeals(stdout) -> int:
    """Denied requests of agency HR through the services, then their appeals in each state."""
    from . import appeal_services

    users = {
        u.username: u
        for u in User.objects.filter(username__in=["analyst", "analyst2", "supervisor"])
    }
    hr = User.objects.filter(username="hr-omh").first()
    if hr is None or len(users) < 3:
        stdout.write("Demo appeals skipped: demo users missing.")
        return 0
    from .models import Appeal

    if Appeal.objects.exists():
        stdout.write("Demo appeals: already there.")
        return 0
    positions = list(
        Position.objects.filter(
            facility__agency=hr.agency, title__code=TECHNICIAN_1, active=True, employees=None
        )
        .exclude(reclassifications__isnull=False)
        .order_by("-item_number")[: len(APPEAL_SCENARIOS)]
    )
    if len(positions) < len(APPEAL_SCENARIOS):
        stdout.write("Demo appeals skipped: too few free positions.")
        return 0
    today = timezone.localdate()
    made = 0
    for (name, days_ago, steps), position in zip(APPEAL_SCENARIOS, positions, strict=True):
        day = today - timedelta(days=days_ago)
        with clock(day):
            r = _draft(hr, position, TECHNICIAN_2)
            _run(r, hr, "submit")
        for i, (action, who, kwargs) in enumerate(
            [
                ("take", "analyst", {}),
                (
                    "recommend",
                    "analyst",
                    {
                        "recommendation": "deny",
                        "rationale": "No Technician 1 reports to the position on the chart.",
                    },
                ),
                (
                    "deny",
                    "supervisor",
                    {"message": "The position does not supervise Technicians 1."},
                ),
            ],
            start=1,
        ):
            with clock(day + timedelta(days=3 * i)):
                _run(r, users[who], action, **kwargs)
        if steps is None:
            continue
        decided_on = day + timedelta(days=9)
        with clock(decided_on + timedelta(days=5)):
            appeal = appeal_services.file_appeal(
                actor=hr,
                reclassification_id=r.pk,
                grounds=APPEAL_GROUNDS,
                files=[SimpleUploadedFile("organization chart.pdf", DEMO_PDF, "application/pdf")],
            )
        for j, action in enumerate(steps, start=1):
            appeal.refresh_from_db()
            on = min(today, decided_on + timedelta(days=5 + 7 * j))
            with clock(on):
                if action == "transmit":
                    appeal_services.transmit_appeal(
                        actor=users["analyst"], appeal_id=appeal.pk, expected_version=appeal.version
                    )
                    # Stored after commit; a seed run inside a transaction stores it here.
                    appeal_services.store_appeal_packet(appeal_id=appeal.pk)
                elif action == "decide":
                    reversed_ = name.startswith("appeal decided")
                    appeal_services.record_commission_decision(
                        actor=users["supervisor"],
                        appeal_id=appeal.pk,
                        expected_version=appeal.version,
                        outcome="reversed" if reversed_ else "upheld",
                        decided_on=on,
                        effective_on=on if reversed_ else None,
                        message="The Commission finds the position supervises two Technicians 1."
                        if reversed_
                        else "The Commission finds the determination correct.",
                    )
                else:
                    appeal_services.close_appeal(
                        actor=users["analyst"], appeal_id=appeal.pk, expected_version=appeal.version
                    )
        made += 1
    stdout.write(f"Demo appeals: {made} created.")
    return made


def seed(stdout) -> None:
    _fallback_facilities(stdout)
    seed_positions(stdout)
    seed_requests(stdout)
    seed_decision_details(stdout)
    seed_history(stdout)
    seed_departed_analyst(stdout)
    seed_employee_requests(stdout)
    seed_delegations(stdout)
    seed_appeals(stdout)
    seed_incumbents(stdout)
    # Approvals dated after their decision day took effect since: the daily run, once.
    changed = services.apply_due_title_changes(on=timezone.localdate())
    stdout.write(f"Demo title changes that took effect since: {len(changed)}.")


__all__ = ["ADMINISTRATOR_2", "ADMINISTRATOR_3", "seed"]
