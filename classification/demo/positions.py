"""Demo positions, their incumbents and their title history; the clock set back for the seeders."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from candidates.models import Person
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    TECHNICIAN_1,
    TECHNICIAN_2,
)
from facilities.models import Agency, AnnualActivity, Facility, User

from .. import services
from ..models import Position, Title
from ..selectors import determination_for_facility
from .steps import _draft, _fits, _run, _supervising, clock

# Used only when an agency has no facility at all (the facilities app seeds the real ones).
FALLBACK_FACILITIES = {
    "OMH": ("WF-OMH-1", "Capital District Psychiatric Center (demo)", "adult_pc_freestanding"),
    "OPWDD": ("WF-OPWDD-1", "Finger Lakes DDSOO (demo)", "ddsoo"),
    "DOCCS": ("WF-DOCCS-1", "Walsh Regional Medical Unit (demo)", "doccs_rmu"),
    "OASAS": ("WF-OASAS-1", "Stutzman Addiction Treatment Center (demo)", "other"),
}


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
    Technician 2 and Technicians 1 reporting to it (item numbers <facility code>-01..08)."""
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
            # Two more, for the Technicians 2 that requests ask for to supervise.
            ("07", TECHNICIAN_1, "02"),
            ("08", TECHNICIAN_1, "02"),
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
        rationale = "The duties described are those of the current title."
        refusal = "The duties fit the current title."
        if decision == "approve":
            # Approved only where the analysis agrees: a Technician 2 supervising Technicians 1
            # (given them if the facility has some to spare), an Administrator 1 where the
            # checks pass; otherwise denied for the reason the analysis gives.
            r.refresh_from_db()
            _supervising(r)
            failed = _fits(r)
            if failed is None:
                rationale = "Duties and supervision match the proposed title."
            else:
                decision, rationale = "deny", failed.message
                refusal = "The position does not meet the standard's test for the proposed title."
        with clock(end - timedelta(days=2)):
            _run(r, analyst, "recommend", recommendation=decision, rationale=rationale)
        with clock(end):
            if decision == "approve":
                _run(r, users["supervisor"], "approve")
            else:
                _run(r, users["supervisor"], "deny", message=refusal)
        made += 1
    stdout.write(f"Demo decided requests over the year: {made} created.")
    return made
