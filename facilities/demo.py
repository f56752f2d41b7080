"""Demo users, facilities and counts for `seed_demo` (idempotent: keyed by natural keys)."""

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from . import roles, services
from .models import Agency, AnnualActivity, Facility, User
from .roles import ensure_reference_data

DEMO_PASSWORD = "demo"  # noqa: S105 - demo data only; seed_demo refuses to run with DEBUG off

DEMO_USERS = [
    # username, first, last, group, agency code
    ("admin", "Ada", "Admin", None, None),
    ("supervisor", "Sam", "Supervisor", roles.SUPERVISOR, None),
    ("analyst", "Alex", "Analyst", roles.ANALYST, None),
    ("analyst2", "Jordan", "Analyst", roles.ANALYST, None),
    ("hr-doccs", "Dana", "Corrections", roles.AGENCY_HR, "DOCCS"),
    ("hr-oasas", "Avery", "Addiction", roles.AGENCY_HR, "OASAS"),
    ("hr-omh", "Morgan", "Mental", roles.AGENCY_HR, "OMH"),
    ("hr-opwdd", "Parker", "Developmental", roles.AGENCY_HR, "OPWDD"),
    # An employee in OMH positions (classification.demo links them): files form CC-2E.
    ("employee-omh", "Robin", "Employee", roles.EMPLOYEE, None),
]

# Civil service titles of the Division's staff, printed in the letters they sign or are
# copied on; the agencies' users need none.
DEMO_JOB_TITLES = {
    "supervisor": "Director, Division of Classification & Compensation",
    "analyst": "Associate Personnel Analyst",
    "analyst2": "Senior Personnel Analyst",
}


def seed_users() -> dict[str, User]:
    users = {}
    # One hash for every demo user: hashing is deliberately slow (about a second each).
    password = make_password(DEMO_PASSWORD)
    for username, first, last, group_name, agency_code in DEMO_USERS:
        agency = Agency.objects.get(code=agency_code) if agency_code else None
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "agency": agency,
                "email": f"{username}@example.ny.gov",
                "is_staff": username == "admin",
                "is_superuser": username == "admin",
            },
        )
        if created:
            user.password = password
            user.save(update_fields=["password"])
        if not user.job_title and username in DEMO_JOB_TITLES:
            user.job_title = DEMO_JOB_TITLES[username]
            user.save(update_fields=["job_title"])
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        users[username] = user
    return users


def seed(stdout) -> None:
    # Reference data comes from data migrations; a flushed database gets it back here.
    ensure_reference_data(apps)
    users = seed_users()
    stdout.write("Demo users ready.")
    seed_facilities(users)
    stdout.write("Demo facilities and counts ready.")


# (code, name, agency, type, region, host code). Names follow the agencies' own naming; the
# rehabilitation hospital and all counts are made up.
DEMO_FACILITIES = [
    (
        "OMH-CDPC",
        "Capital District Psychiatric Center",
        "OMH",
        "adult_pc_freestanding",
        "Capital District",
        None,
    ),
    (
        "OMH-BPC",
        "Buffalo Psychiatric Center",
        "OMH",
        "adult_pc_freestanding",
        "Western New York",
        None,
    ),
    ("OMH-PPC", "Pilgrim Psychiatric Center", "OMH", "adult_pc_freestanding", "Long Island", None),
    (
        "OMH-RPC",
        "Rockland Psychiatric Center",
        "OMH",
        "adult_pc_freestanding",
        "Hudson River",
        None,
    ),
    (
        "OMH-KFPC",
        "Kirby Forensic Psychiatric Center",
        "OMH",
        "forensic_pc_freestanding",
        "New York City",
        None,
    ),
    (
        "OMH-MHFPC",
        "Mid-Hudson Forensic Psychiatric Center",
        "OMH",
        "forensic_pc_freestanding",
        "Hudson River",
        None,
    ),
    (
        "OMH-QCPC",
        "Queens Children's Psychiatric Center",
        "OMH",
        "childrens_pc_freestanding",
        "New York City",
        None,
    ),
    (
        "OMH-SCPC",
        "Sagamore Children's Psychiatric Center",
        "OMH",
        "childrens_pc_freestanding",
        "Long Island",
        None,
    ),
    (
        "OMH-RCPC",
        "Rockland Children's Psychiatric Center",
        "OMH",
        "childrens_pc_colocated",
        "Hudson River",
        "OMH-RPC",
    ),
    (
        "OMH-HVRH",
        "Hudson Valley Rehabilitation Hospital",
        "OMH",
        "rehabilitation_hospital",
        "Hudson River",
        None,
    ),
    ("OPWDD-MNY", "Metro New York DDSOO", "OPWDD", "ddsoo", "New York City", None),
    ("OPWDD-LI", "Long Island DDSOO", "OPWDD", "ddsoo", "Long Island", None),
    ("OPWDD-HV", "Hudson Valley DDSOO", "OPWDD", "ddsoo", "Hudson Valley", None),
    ("OPWDD-TAC", "Taconic DDSOO", "OPWDD", "ddsoo", "Hudson Valley", None),
    ("OPWDD-WNY", "Western New York DDSOO", "OPWDD", "ddsoo", "Western New York", None),
    ("OPWDD-BKN", "Brooklyn DDSOO", "OPWDD", "ddsoo", "New York City", None),
    ("OPWDD-CNY", "Central New York DDSOO", "OPWDD", "ddsoo", "Central New York", None),
    ("OPWDD-SUN", "Sunmount DDSOO", "OPWDD", "ddsoo", "North Country", None),
    ("OPWDD-BRM", "Broome DDSOO", "OPWDD", "ddsoo", "Southern Tier", None),
    ("OPWDD-FL", "Finger Lakes DDSOO", "OPWDD", "ddsoo", "Finger Lakes", None),
    ("OPWDD-CAP", "Capital District DDSOO", "OPWDD", "ddsoo", "Capital District", None),
    ("OPWDD-SI", "Staten Island DDSOO", "OPWDD", "ddsoo", "New York City", None),
    ("DOCCS-WALSH", "Walsh Regional Medical Unit", "DOCCS", "doccs_rmu", "Central New York", None),
    ("DOCCS-WENDE", "Wende Regional Medical Unit", "DOCCS", "doccs_rmu", "Western New York", None),
    (
        "DOCCS-COX",
        "Coxsackie Regional Medical Unit",
        "DOCCS",
        "doccs_rmu",
        "Capital District",
        None,
    ),
    (
        "DOCCS-BH",
        "Bedford Hills Regional Medical Unit",
        "DOCCS",
        "doccs_rmu",
        "Hudson Valley",
        None,
    ),
    ("DOCCS-FISH", "Fishkill Regional Medical Unit", "DOCCS", "doccs_rmu", "Hudson Valley", None),
    ("OASAS-BRX", "Bronx Addiction Treatment Center", "OASAS", "other", "New York City", None),
    ("OASAS-CRM", "Creedmoor Addiction Treatment Center", "OASAS", "other", "New York City", None),
    (
        "OASAS-WARD",
        "Richard C. Ward Addiction Treatment Center",
        "OASAS",
        "other",
        "Hudson Valley",
        None,
    ),
    ("OASAS-MCP", "McPike Addiction Treatment Center", "OASAS", "other", "Central New York", None),
    (
        "OASAS-STZ",
        "Stutzman Addiction Treatment Center",
        "OASAS",
        "other",
        "Western New York",
        None,
    ),
]

# DDSOO counts by SFY start year: (individuals, activities, status). Chosen to sit on each
# side of each threshold; "s" submitted, "d" disputed, otherwise accepted.
DDSOO_COUNTS: dict[str, list[tuple]] = {
    "OPWDD-MNY": [
        (7_310, 301_000),
        (7_420, 309_500),
        (7_455, 312_800),
        (7_520, 318_000),
    ],  # A3: 7,000+
    "OPWDD-LI": [(5_050, 262_000), (5_120, 266_400), (5_180, 271_000), (5_240, 268_900)],  # A3: and
    "OPWDD-HV": [(4_020, 205_000), (4_060, 209_800), (4_110, 212_300), (4_150, 214_000)],  # A2
    "OPWDD-TAC": [
        (2_990, 176_000),
        (3_000, 180_000),
        (3_000, 182_500),
        (3_010, 184_000),
    ],  # A2 at 3,000
    "OPWDD-WNY": [
        (6_940, 238_000),
        (6_990, 240_100),
        (6_999, 244_000),
        (6_999, 249_000),
    ],  # A2 at 6,999
    "OPWDD-BKN": [
        (2_650, 255_000),
        (2_690, 258_400),
        (2_700, 261_000),
        (2_720, 262_300),
    ],  # A2: more
    "OPWDD-CNY": [
        (2_610, 247_000),
        (2_630, 249_100),
        (2_640, 250_000),
        (2_655, 250_000),
    ],  # exactly
    "OPWDD-SUN": [(1_120, 94_000), (1_135, 95_200), (1_150, 96_000), (1_160, 97_400)],  # A1
    "OPWDD-BRM": [
        (2_960, 246_000),
        (2_985, 248_800),
        (2_999, 249_999),
        (2_998, 249_900),
    ],  # A1 edge
    "OPWDD-FL": [(2_850, 231_000), (2_880, 236_500), (2_960, 241_000), (3_040, 243_500)],  # watch
    "OPWDD-CAP": [(3_310, 222_000), (3_350, 226_000), (3_390, 229_500), (3_460, 252_000, "s")],
    "OPWDD-SI": [(1_480, 118_000), (1_510, 120_500), (1_530, 121_000), (2_930, 251_000, "d")],
}
FIRST_DEMO_YEAR = 2022  # SFY 2022-23 .. SFY 2025-26
SUBMITTED_LATEST = {"OMH-BPC", "DOCCS-FISH", "OASAS-STZ"}


def _demo_counts(code: str, facility_type: str) -> list[tuple]:
    if code in DDSOO_COUNTS:
        return DDSOO_COUNTS[code]
    # Other types: plausible information-only counts, steady with a little drift.
    base = {"doccs_rmu": (900, 60_000), "other": (1_400, 38_000)}.get(
        facility_type, (2_200, 150_000)
    )
    seed = sum(map(ord, code))
    rows = []
    for n in range(4):
        i = base[0] + (seed % 300) + n * 25
        a = base[1] + (seed % 9_000) + n * 1_500
        latest = n == 3
        rows.append((i, a, "s") if latest and code in SUBMITTED_LATEST else (i, a))
    return rows


def seed_facilities(users: dict[str, User]) -> None:
    """The registry and several years of counts, through the same services as the pages."""
    agencies = {a.code: a for a in Agency.objects.all()}
    facilities: dict[str, Facility] = {}
    for code, name, agency, facility_type, region, host in DEMO_FACILITIES:
        facilities[code], _ = Facility.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "agency": agencies[agency],
                "facility_type": facility_type,
                "region": region,
                "host_facility": facilities.get(host) if host else None,
            },
        )
    analyst = users["analyst"]
    for code, _name, agency, facility_type, *_rest in DEMO_FACILITIES:
        facility = facilities[code]
        hr = users[f"hr-{agency.lower()}"]
        for offset, row in enumerate(_demo_counts(code, facility_type)):
            year = FIRST_DEMO_YEAR + offset
            if AnnualActivity.objects.filter(facility=facility, fiscal_year=year).exists():
                continue
            activity = services.report_counts(
                actor=hr,
                facility=facility,
                fiscal_year=year,
                individuals_served=row[0],
                records_activities=row[1],
                methodology="Unduplicated census from the agency's clinical record system; "
                "activities from the health records request and release logs.",
            )
            status = row[2] if len(row) > 2 else "a"
            if status == "a":
                services.accept_counts(
                    actor=analyst, activity=activity, expected_version=activity.version
                )
            elif status == "d":
                services.dispute_counts(
                    actor=analyst,
                    activity=activity,
                    expected_version=activity.version,
                    note="Individuals nearly doubled in one year; send the census extract.",
                )
    services.refresh_determinations(f.pk for f in facilities.values())
