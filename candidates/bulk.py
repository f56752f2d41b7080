"""Bulk people: incumbents and candidates with AHIMA credentials, verifications and experience."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from candidates.models import Credential, ExperienceSpell, Person, Verification
from facilities.bulk.facilities import Context

GIVEN = [
    "Ana",
    "Ben",
    "Chen",
    "Dana",
    "Eli",
    "Fatima",
    "Grace",
    "Hugo",
    "Ines",
    "Jamal",
    "Kim",
    "Luis",
    "Maya",
    "Noor",
    "Owen",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
FAMILY = [
    "Adams",
    "Brown",
    "Cohen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Huang",
    "Ibrahim",
    "Jones",
    "Kowalski",
    "Lee",
    "Martin",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Quinn",
    "Rossi",
    "Smith",
    "Torres",
    "Usman",
    "Vasquez",
    "Williams",
    "Xu",
    "Young",
    "Zhang",
]
EMPLOYERS = [
    "Albany Medical Center",
    "Ellis Hospital",
    "St. Peter's Health Partners",
    "a State psychiatric center",
    "a county nursing home",
    "a physicians' practice",
]


def seed_people(ctx: Context, *, n_people: int) -> dict[int, list[int]]:
    """People of every agency; about 70% hold an RHIT or RHIA (most verified at least once),
    every one has one or two spells of experience. Returns agency id → person ids."""
    rng, w, today = ctx.rng, ctx.writer, ctx.today
    agency_ids = sorted(ctx.agencies.values())
    ids = w.take_ids(Person, n_people)
    by_agency: dict[int, list[int]] = {a: [] for a in agency_ids}
    people, credentials, verifications, spells = [], [], [], []
    credential_ids = iter(w.take_ids(Credential, n_people))
    spell_ids = iter(w.take_ids(ExperienceSpell, 2 * n_people))
    for number, pk in enumerate(ids):
        agency_id = agency_ids[number % len(agency_ids)]
        by_agency[agency_id].append(pk)
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        degree_date = today - timedelta(days=rng.randint(2 * 365, 30 * 365))
        has_degree = rng.random() < 0.8
        people.append(
            (
                pk,
                agency_id,
                given,
                family,
                f"B{number:07d}",
                f"{given}.{family}.{number}@example.ny.gov".lower().replace("'", ""),
                "B.S. Health Information Management" if has_degree else "",
                degree_date if has_degree else None,
                1,
            )
        )
        start = degree_date if has_degree else today - timedelta(days=rng.randint(365, 25 * 365))
        middle = start + (today - start) / 2
        for s, e in ((start, middle), (middle + timedelta(days=1), None)):
            if e is None and rng.random() < 0.3:
                continue  # one spell only
            spells.append(
                (
                    next(spell_ids),
                    pk,
                    rng.choice(EMPLOYERS),
                    "Health information technician",
                    s,
                    e,
                    Decimal("37.50"),
                    True,
                    "",
                    1,
                )
            )
        if rng.random() < 0.3:
            continue  # no credential
        kind = "RHIA" if rng.random() < 0.35 else "RHIT"
        awarded = min(start + timedelta(days=rng.randint(30, 700)), today - timedelta(days=30))
        credential_id = next(credential_ids)
        valid_through = date(min(today.year + 2, max(awarded.year + 2, today.year - 1)), 12, 31)
        status, last_verified = "active", None
        if rng.random() < 0.8:
            verified_on = today - timedelta(days=rng.randint(10, 3 * 365))
            verified_on = max(verified_on, awarded)
            status = "active" if valid_through >= today else "inactive"
            last_verified = verified_on
            verifications.append(
                {
                    "credential_id": credential_id,
                    "source": "ahima_online",
                    "requested_on": verified_on,
                    "verified_on": verified_on,
                    "verified_by_id": rng.choice(ctx.analysts),
                    "status_returned": status,
                    "valid_through_returned": valid_through,
                    "evidence": "",
                    "evidence_sha256": "",
                    "evidence_size": None,
                    "evidence_name": "",
                    "evidence_content_type": "",
                    "note": "",
                    "corrects_id": None,
                    "recorded_at": ctx.moment(verified_on, 10),
                }
            )
        credentials.append(
            (
                credential_id,
                pk,
                kind,
                f"{number:08d}",
                awarded,
                valid_through,
                status,
                last_verified,
                None,
                None,
                1,
            )
        )
    w.insert(
        Person,
        [
            "id",
            "agency_id",
            "given_name",
            "family_name",
            "employee_id",
            "email",
            "degree",
            "degree_date",
            "version",
        ],
        people,
    )
    w.insert(
        Credential,
        [
            "id",
            "person_id",
            "kind",
            "ahima_id",
            "awarded_on",
            "valid_through",
            "status",
            "last_verified_on",
            "reverification_requested_on",
            "reverification_requested_by_id",
            "version",
        ],
        credentials,
    )
    w.insert(
        ExperienceSpell,
        [
            "id",
            "person_id",
            "employer",
            "title",
            "start",
            "end",
            "hours_per_week",
            "him",
            "note",
            "version",
        ],
        spells,
    )
    w.insert_chained(Verification, verifications)
    return by_agency
