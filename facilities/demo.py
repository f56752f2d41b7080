"""Demo users, facilities and counts for `seed_demo` (idempotent: keyed by natural keys)."""

from django.apps import apps
from django.contrib.auth.models import Group

from classification.titles import ensure_titles

from . import roles
from .models import Agency, User
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
]


def seed_users() -> dict[str, User]:
    users = {}
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
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        users[username] = user
    return users


def seed(stdout) -> None:
    # Reference data comes from data migrations; a flushed database gets it back here.
    ensure_reference_data(apps)
    ensure_titles(apps)
    seed_users()
    stdout.write("Demo users ready.")
