"""Bulk users, facilities, years of counts and their revision history."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import Group

from facilities import roles
from facilities.models import Agency, AnnualActivity, AnnualActivityRevision, Facility, User
from facilities.services import refresh_determinations

from . import Writer

PREFIX = "BULK"  # facility codes, item numbers and user names of bulk data start with it

# (type, agency, share of facilities, individuals range, activities range): sizes a facility of
# that type plausibly reports in a year. DDSOO ranges straddle the standard's thresholds
# (3,000 / 7,000 individuals, 250,000 activities) so every DDSOO level occurs.
TYPE_MIX = [
    ("ddsoo", "OPWDD", 0.25, (1_200, 9_000), (120_000, 420_000)),
    ("adult_pc_freestanding", "OMH", 0.15, (300, 1_500), (30_000, 120_000)),
    ("forensic_pc_freestanding", "OMH", 0.05, (100, 400), (10_000, 50_000)),
    ("childrens_pc_freestanding", "OMH", 0.05, (50, 300), (5_000, 30_000)),
    ("childrens_pc_colocated", "OMH", 0.05, (50, 300), (5_000, 30_000)),
    ("rehabilitation_hospital", "OMH", 0.05, (500, 3_000), (20_000, 100_000)),
    ("doccs_rmu", "DOCCS", 0.20, (50, 200), (5_000, 20_000)),
    ("other", "OASAS", 0.20, (100, 2_000), (5_000, 50_000)),
]
TYPE_NAMES = {
    "ddsoo": "DDSOO",
    "adult_pc_freestanding": "Psychiatric Center",
    "forensic_pc_freestanding": "Forensic Psychiatric Center",
    "childrens_pc_freestanding": "Children's Psychiatric Center",
    "childrens_pc_colocated": "Children's Psychiatric Center",
    "rehabilitation_hospital": "Rehabilitation Hospital",
    "doccs_rmu": "Regional Medical Unit",
    "other": "Addiction Treatment Center",
}
REGIONS = [
    "Capital District",
    "Central New York",
    "Finger Lakes",
    "Hudson Valley",
    "Long Island",
    "Mohawk Valley",
    "New York City",
    "North Country",
    "Southern Tier",
    "Western New York",
]


@dataclass
class Context:
    """What the generators share: the random source, the dates, the writer, the bulk users."""

    rng: random.Random
    today: date
    writer: Writer
    hr_by_agency: dict[int, list[int]] = field(default_factory=dict)
    # Employees (form CC-2E) whose positions are at each agency's facilities.
    employees_by_agency: dict[int, list[int]] = field(default_factory=dict)
    analysts: list[int] = field(default_factory=list)
    supervisors: list[int] = field(default_factory=list)
    agencies: dict[str, int] = field(default_factory=dict)
    # facility id → (agency id, type), in id order
    facilities: dict[int, tuple[int, str]] = field(default_factory=dict)

    def moment(self, day: date, hour: int = 9) -> datetime:
        """A UTC time on a New York working day (times kept to the second)."""
        return datetime.combine(day, time(hour + 5, self.rng.randrange(60)), tzinfo=UTC)


def seed_users(
    ctx: Context,
    *,
    hr_per_agency: int = 4,
    analysts: int = 30,
    supervisors: int = 6,
    employees_per_agency: int = 3,
):
    """Bulk Agency HR users and employees for each agency, analysts and supervisors (unusable
    passwords). Employees belong to no agency: their positions say where they work."""
    groups = {g.name: g for g in Group.objects.filter(name__in=list(roles.ROLE_PERMISSIONS))}
    ctx.agencies = dict(Agency.objects.values_list("code", "pk"))
    specs: list[tuple[str, str, int | None]] = []
    for code in sorted(ctx.agencies):
        specs += [
            (f"{PREFIX}-hr-{code}-{n}".lower(), roles.AGENCY_HR, ctx.agencies[code])
            for n in range(hr_per_agency)
        ]
    employee_specs = [
        (f"{PREFIX}-employee-{code}-{n}".lower(), roles.EMPLOYEE, ctx.agencies[code])
        for code in sorted(ctx.agencies)
        for n in range(employees_per_agency)
    ]
    specs += [(f"{PREFIX}-analyst-{n}".lower(), roles.ANALYST, None) for n in range(analysts)]
    specs += [
        (f"{PREFIX}-supervisor-{n}".lower(), roles.SUPERVISOR, None) for n in range(supervisors)
    ]
    specs += employee_specs  # last, so the other users' ids are what they were before
    ids = ctx.writer.take_ids(User, len(specs))
    ctx.writer.insert(
        User,
        ["id", "username", "first_name", "last_name", "email", "agency_id", "password"],
        (
            (
                pk,
                username,
                username.split("-")[1].title(),
                username.rsplit("-", 1)[1],
                f"{username}@example.ny.gov",
                None if group == roles.EMPLOYEE else agency_id,
                "!",
            )  # unusable: they never sign in
            for pk, (username, group, agency_id) in zip(ids, specs, strict=True)
        ),
    )
    memberships = []
    for pk, (_username, group, agency_id) in zip(ids, specs, strict=True):
        memberships.append(User.groups.through(user_id=pk, group_id=groups[group].pk))
        if group == roles.AGENCY_HR:
            assert agency_id is not None  # made with their agency's id above
            ctx.hr_by_agency.setdefault(agency_id, []).append(pk)
        elif group == roles.EMPLOYEE:
            assert agency_id is not None
            ctx.employees_by_agency.setdefault(agency_id, []).append(pk)
        elif group == roles.ANALYST:
            ctx.analysts.append(pk)
        else:
            ctx.supervisors.append(pk)
    User.groups.through.objects.bulk_create(memberships)


def seed_facilities(ctx: Context, *, n_facilities: int, n_years: int) -> None:
    """Facilities of every type, `n_years` completed fiscal years of counts each, and the
    revisions that led to them (reported, then accepted or disputed); determinations stored."""
    rng, w = ctx.rng, ctx.writer
    ids = w.take_ids(Facility, n_facilities)
    weights = [t[2] for t in TYPE_MIX]
    kinds = rng.choices(TYPE_MIX, weights=weights, k=n_facilities)
    hosts: dict[int, list[int]] = {}  # agency → adult PCs that may host a children's PC
    rows = []
    base_sizes: dict[int, tuple[int, int]] = {}
    for pk, (ftype, agency_code, _share, i_range, a_range) in zip(ids, kinds, strict=True):
        agency_id = ctx.agencies[agency_code]
        host = None
        if ftype == "childrens_pc_colocated" and hosts.get(agency_id):
            host = rng.choice(hosts[agency_id])
        elif ftype == "childrens_pc_colocated":
            ftype = "childrens_pc_freestanding"  # nothing to share a campus with yet
        if ftype == "adult_pc_freestanding":
            hosts.setdefault(agency_id, []).append(pk)
        region = rng.choice(REGIONS)
        number = pk - ids[0]
        label = TYPE_NAMES[ftype]
        rows.append(
            (
                pk,
                agency_id,
                f"{region} {label} {number:05d}",
                f"{PREFIX}-{number:05d}",
                ftype,
                rng.random() > 0.02,
                region,
                f"{rng.randrange(1, 999)} State Street, {region}, NY",
                host,
            )
        )
        ctx.facilities[pk] = (agency_id, ftype)
        base_sizes[pk] = (rng.randint(*i_range), rng.randint(*a_range))
    w.insert(
        Facility,
        [
            "id",
            "agency_id",
            "name",
            "code",
            "facility_type",
            "active",
            "region",
            "address",
            "host_facility_id",
        ],
        rows,
    )
    _seed_counts(ctx, base_sizes, n_years)
    refresh_determinations(ids)


def _seed_counts(ctx: Context, base_sizes: dict[int, tuple[int, int]], n_years: int) -> None:
    rng, w = ctx.rng, ctx.writer
    current = ctx.today.year if ctx.today.month >= 4 else ctx.today.year - 1
    years = list(range(current - n_years, current))  # completed fiscal years only
    activity_ids = iter(w.take_ids(AnnualActivity, len(base_sizes) * len(years)))
    activities, revisions = [], []
    for facility_id, (individuals, activity) in base_sizes.items():
        agency_id = ctx.facilities[facility_id][0]
        hr = ctx.hr_by_agency[agency_id]
        for year in years:
            # Year to year a facility drifts a few percent.
            individuals = max(0, int(individuals * rng.uniform(0.93, 1.08)))
            activity = max(0, int(activity * rng.uniform(0.93, 1.08)))
            last = year == years[-1]
            status = (
                rng.choices(["accepted", "submitted", "disputed"], [0.7, 0.2, 0.1])[0]
                if last
                else "accepted"
            )
            submitted_by = rng.choice(hr)
            submitted_at = ctx.moment(
                min(
                    date(year + 1, 7, 1) + timedelta(rng.randrange(60)),
                    ctx.today - timedelta(days=2),
                )
            )
            reviewed_by = reviewed_at = None
            if status != "submitted":
                reviewed_by = rng.choice(ctx.analysts)
                reviewed_at = submitted_at + timedelta(days=rng.randint(1, 20), hours=2)
                reviewed_at = min(reviewed_at, ctx.moment(ctx.today - timedelta(days=1)))
            note = "Counts do not match the census extract." if status == "disputed" else ""
            pk = next(activity_ids)
            method = "Unduplicated count from the census system; activities from the HIM log."
            version = 1 if status == "submitted" else 2
            activities.append(
                (
                    pk,
                    facility_id,
                    year,
                    individuals,
                    activity,
                    method,
                    status,
                    submitted_by,
                    submitted_at,
                    reviewed_by,
                    reviewed_at,
                    note,
                    version,
                )
            )
            revisions.append(
                {
                    "activity_id": pk,
                    "kind": "reported",
                    "actor_id": submitted_by,
                    "at": submitted_at,
                    "source": "",
                    "old_individuals_served": None,
                    "new_individuals_served": individuals,
                    "old_records_activities": None,
                    "new_records_activities": activity,
                    "old_methodology": "",
                    "new_methodology": method,
                    "old_status": "",
                    "new_status": "submitted",
                    "note": "",
                    "version": 1,
                }
            )
            if status != "submitted":
                revisions.append(
                    {
                        "activity_id": pk,
                        "kind": status,
                        "actor_id": reviewed_by,
                        "at": reviewed_at,
                        "source": "",
                        "old_individuals_served": individuals,
                        "new_individuals_served": individuals,
                        "old_records_activities": activity,
                        "new_records_activities": activity,
                        "old_methodology": method,
                        "new_methodology": method,
                        "old_status": "submitted",
                        "new_status": status,
                        "note": note,
                        "version": 2,
                    }
                )
    w.insert(
        AnnualActivity,
        [
            "id",
            "facility_id",
            "fiscal_year",
            "individuals_served",
            "records_activities",
            "methodology",
            "status",
            "submitted_by_id",
            "submitted_at",
            "reviewed_by_id",
            "reviewed_at",
            "review_note",
            "version",
        ],
        activities,
    )
    w.insert_chained(AnnualActivityRevision, revisions)
