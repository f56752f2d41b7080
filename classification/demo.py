"""Demo positions and reclassification requests for `seed_demo` (idempotent).

Positions are keyed by item number; requests are created only for positions that have none,
through the same services the site uses, with the clock set back so turnaround and events agree.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta
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
SCENARIOS = [
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
    """One past and one current delegation (docs/decisions/00NN-delegation.md): Jordan
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
    if len(users) < 4 or hr is None:
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


def seed(stdout) -> None:
    _fallback_facilities(stdout)
    seed_positions(stdout)
    seed_requests(stdout)
    seed_history(stdout)
    seed_departed_analyst(stdout)
    seed_delegations(stdout)
    seed_incumbents(stdout)


__all__ = ["ADMINISTRATOR_2", "ADMINISTRATOR_3", "seed"]
