"""Demo requests filed by employees for their own positions (form CC-2E)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from classification.standard import (
    TECHNICIAN_1,
    TECHNICIAN_2,
)
from facilities.models import User

from .. import services
from ..models import Position, ReclassificationRequest, Title
from .steps import DEMO_PDF, _run, clock

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
    # One facility after another (the 04s, then the 05s, ...), so that each facility has
    # Technicians 1 left for a Technician 2 to supervise; not those a Technician 2 request's
    # position supervises already.
    positions = sorted(
        Position.objects.filter(facility__agency__code="OMH", title__code=TECHNICIAN_1, active=True)
        .exclude(reclassifications__isnull=False)
        .exclude(reports_to__reclassifications__proposed_title__code=TECHNICIAN_2)
        .order_by("item_number"),
        key=lambda p: (p.item_number[-2:], p.item_number),
    )[:open_count]
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
