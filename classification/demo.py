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


def seed_positions(stdout) -> int:
    """Per facility: a chief Administrator at the warranted level, a Technician 2 and two
    Technicians 1 reporting to it (item numbers <facility code>-01..04)."""
    titles = {t.code: t for t in Title.objects.all()}
    start = date(2020, 4, 1)
    created = 0
    for facility in Facility.objects.filter(active=True).order_by("code"):
        warranted = determination_for_facility(facility).title
        chief_code = warranted.code if warranted else ADMINISTRATOR_1
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


def seed(stdout) -> None:
    _fallback_facilities(stdout)
    seed_positions(stdout)
    seed_requests(stdout)
    seed_incumbents(stdout)


__all__ = ["ADMINISTRATOR_2", "ADMINISTRATOR_3", "seed"]
