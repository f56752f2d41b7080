"""Demo people for `seed_demo` (idempotent: keyed by agency and employee id "DEMO-0NN").

Dates are relative to the day of seeding, so every outcome holds on a freshly seeded site:
qualified, not qualified, unverified (never verified), stale, RHIA-only for a Technician
title, part-time and overlapping spells, legacy ART and RRA credentials, a corrected
verification and a credential expiring within 60 days. Workflow demo data links incumbents
by employee id.
"""

from datetime import date, timedelta
from decimal import Decimal

from facilities.models import Agency, User

from . import services
from .dates import today_in_new_york
from .models import Person


def _ago(today: date, *, years: float = 0, days: int = 0) -> date:
    return today - timedelta(days=round(years * 365.25) + days)


def _people(t: date) -> list[dict]:
    """One dict per person: facts, credentials (with verifications), spells."""
    return [
        {
            "id": "DEMO-001", "agency": "OMH", "name": ("Maria", "Qualified"),
            "degree": ("B.S. Health Information Management", _ago(t, years=7)),
            "credentials": [("RHIT", _ago(t, years=6), None, [("active", _ago(t, days=30))])],
            "spells": [("Rockland Psychiatric Center", "HIM Technician 1", _ago(t, years=5), None, "37.5", True)],
        },
        {
            "id": "DEMO-002", "agency": "OMH", "name": ("Uma", "Unverified"),
            "degree": ("", None),
            "credentials": [("RHIT", _ago(t, years=3), None, [])],
            "spells": [("Pilgrim Psychiatric Center", "Medical Records Clerk", _ago(t, years=2.5), None, "37.5", True)],
        },
        {
            "id": "DEMO-003", "agency": "DOCCS", "name": ("Sam", "Stale"),
            "degree": ("B.S. Health Information Administration", _ago(t, years=5)),
            "credentials": [("RHIA", _ago(t, years=4), _ago(t, days=-400), [("active", _ago(t, days=200))])],
            "spells": [("Walsh Regional Medical Unit", "HIM Supervisor", _ago(t, years=3), None, "37.5", True)],
        },
        {
            "id": "DEMO-004", "agency": "OPWDD", "name": ("Riley", "Rhia-Only"),
            "degree": ("B.S. Health Information Administration", _ago(t, years=2)),
            "credentials": [("RHIA", _ago(t, years=1.6), None, [("active", _ago(t, days=10))])],
            "spells": [("Finger Lakes DDSOO", "Health Records Analyst", _ago(t, years=1.5), None, "37.5", True)],
        },
        {
            "id": "DEMO-005", "agency": "OASAS", "name": ("Noel", "Notqualified"),
            "degree": ("", None),
            "credentials": [("RHIT", _ago(t, years=8), None, [("inactive", _ago(t, days=20))])],
            "spells": [("Creedmoor ATC", "Counselor", _ago(t, years=4), None, "37.5", False)],
        },
        {
            "id": "DEMO-006", "agency": "OMH", "name": ("Pat", "Parttime"),
            "degree": ("A.A.S. Health Information Technology", _ago(t, years=3)),
            "credentials": [("RHIT", _ago(t, years=2), None, [("active", _ago(t, days=45))])],
            "spells": [
                ("Capital District PC", "HIM Technician (part-time)", _ago(t, years=2), None, "20", True),
                ("Albany Medical Center", "Coder (part-time)", _ago(t, years=1.5), _ago(t, years=0.5), "25", True),
                ("Albany Medical Center", "Registration (not HIM)", _ago(t, years=1), None, "10", False),
            ],
        },
        {
            "id": "DEMO-007", "agency": "DOCCS", "name": ("Arthur", "Legacy"),
            "degree": ("B.A. Biology", date(1993, 5, 20)),
            "credentials": [("ART", date(1995, 6, 1), None, [("active", _ago(t, days=60))])],
            "spells": [("Coxsackie Regional Medical Unit", "HIM Technician 2", date(1996, 1, 2), None, "37.5", True)],
        },
        {
            "id": "DEMO-008", "agency": "OPWDD", "name": ("Rita", "Expiring"),
            "degree": ("B.S. Medical Record Administration", date(1990, 5, 15)),
            "credentials": [("RRA", date(1991, 1, 15), _ago(t, days=-30), [("active", _ago(t, days=60))])],
            "spells": [("Broome DDSOO", "HIM Administrator 2", date(1992, 3, 1), None, "37.5", True)],
        },
        {
            "id": "DEMO-009", "agency": "OASAS", "name": ("Carl", "Corrected"),
            "degree": ("", None),
            "credentials": [
                ("RHIT", _ago(t, years=5), None,
                 [("active", _ago(t, days=40)), ("revoked", _ago(t, days=35), "corrects")]),
            ],
            "spells": [("Stutzman ATC", "HIM Technician 1", _ago(t, years=4), None, "37.5", True)],
        },
        {
            "id": "DEMO-010", "agency": "OMH", "name": ("Alice", "Administrator"),
            "degree": ("M.S. Health Informatics", _ago(t, years=12)),
            "credentials": [("RHIA", _ago(t, years=10), None, [("active", _ago(t, days=15))])],
            "spells": [("Kirby Forensic PC", "HIM Administrator 3", _ago(t, years=9), None, "37.5", True)],
        },
        {
            "id": "DEMO-011", "agency": "DOCCS", "name": ("Nina", "Newcomer"),
            "degree": ("A.A.S. Health Information Technology", _ago(t, years=1)),
            "credentials": [("RHIT", _ago(t, days=250), None, [("active", _ago(t, days=5))])],
            "spells": [("Wende Regional Medical Unit", "HIM Technician 1", _ago(t, days=240), None, "37.5", True)],
        },
        {
            "id": "DEMO-012", "agency": "OPWDD", "name": ("Otto", "Onpaper"),
            "degree": ("", None),
            "credentials": [("RHIT", _ago(t, years=2), None, [])],
            "spells": [("Sunmount DDSOO", "HIM Technician 1", _ago(t, years=1.8), None, "37.5", True)],
        },
    ]  # fmt: skip


def seed(stdout) -> None:
    analyst = User.objects.filter(username="analyst").first()
    assert analyst is not None  # facilities.demo seeds the users first
    today = today_in_new_york()
    created = 0
    for row in _people(today):
        agency = Agency.objects.get(code=row["agency"])
        if Person.objects.filter(agency=agency, employee_id=row["id"]).exists():
            continue  # seeded before: leave it (and any changes made since) alone
        given, family = row["name"]
        degree, degree_date = row["degree"]
        person = services.add_person(
            actor=analyst,
            agency=agency,
            given_name=given,
            family_name=family,
            employee_id=row["id"],
            email=f"{given.lower()}.{family.lower()}@example.ny.gov",
            degree=degree,
            degree_date=degree_date,
        )
        for kind, awarded, valid_through, checks in row["credentials"]:
            credential = services.add_credential(
                actor=analyst,
                person=person,
                kind=kind,
                ahima_id=f"{row['id'][-3:]}{kind}{awarded.year}",
                awarded_on=awarded,
                valid_through=valid_through,
                status="active",
            )
            previous = None
            for status, verified_on, *flags in checks:
                previous = services.record_verification(
                    actor=analyst,
                    credential=credential,
                    source="ahima_online",
                    verified_on=verified_on,
                    status_returned=status,
                    valid_through_returned=valid_through,
                    note="Demo: corrected after a second lookup." if flags else "",
                    corrects=previous if flags else None,
                )
        for employer, title, start, end, hours, him in row["spells"]:
            services.add_experience_spell(
                actor=analyst,
                person=person,
                employer=employer,
                title=title,
                start=start,
                end=end,
                hours_per_week=Decimal(hours),
                him=him,
            )
        created += 1
    stdout.write(f"Demo people ready ({created} added).")
