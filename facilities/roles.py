"""The roles of DOMAIN.md ("People") as Django groups with their permissions.

Data migrations and test fixtures call the same function, so the groups can never differ
between a migrated database and a flushed test database.
"""

AGENCIES = [
    ("DOCCS", "Department of Corrections and Community Supervision"),
    ("OASAS", "Office of Addiction Services and Supports"),
    ("OMH", "Office of Mental Health"),
    ("OPWDD", "Office for People With Developmental Disabilities"),
]

# Each agency's personnel office, to which the Division addresses its decision letters:
# agency code -> (office, mailing address). Administrators correct them in the admin; seeding
# fills only what is empty, so it never overwrites their corrections.
PERSONNEL_OFFICES = {
    "DOCCS": (
        "Office of Personnel",
        "The Harriman State Campus\n1220 Washington Avenue\nAlbany, New York 12226-2050",
    ),
    "OASAS": ("Office of Human Resources", "1450 Western Avenue\nAlbany, New York 12203-3526"),
    "OMH": ("Office of Human Resources", "44 Holland Avenue\nAlbany, New York 12229"),
    "OPWDD": ("Office of Human Resources", "44 Holland Avenue\nAlbany, New York 12229"),
}

AGENCY_HR = "Agency HR"
ANALYST = "Classification analyst"
SUPERVISOR = "Classification supervisor"
DCC_ROLES = frozenset({ANALYST, SUPERVISOR})  # DCC staff (User.is_dcc_staff)
# A State employee in an HIM position: sees and files requests for their own position(s).
EMPLOYEE = "Employee"

# The values a NY.gov ID role claim may carry (HIM_OIDC_ROLE_CLAIM, docs/operations.md) and
# the role each one gives. A claim never makes anyone an administrator.
ROLE_CLAIM_VALUES = {
    "agency_hr": AGENCY_HR,
    "analyst": ANALYST,
    "supervisor": SUPERVISOR,
}

# Role permissions live on the user model (facilities.User.Meta.permissions).
ROLE_PERMISSIONS = {
    AGENCY_HR: ["act_for_agency"],
    ANALYST: ["review_classification"],
    SUPERVISOR: ["review_classification", "decide_classification"],
    EMPLOYEE: ["file_own_request"],
}
PERMISSION_NAMES = {
    "act_for_agency": "Act for one agency (Agency HR)",
    "review_classification": "Review as a classification analyst",
    "decide_classification": "Assign and decide as a classification supervisor",
    "file_own_request": "File a request for one's own position (employee)",
}


def _fill_personnel_office(agency) -> None:
    """Fill the agency's personnel office and address where they are empty. An earlier
    migration's historical model may not have these fields yet: then nothing is done (the
    migration that adds them seeds them)."""
    fields = {f.name for f in agency._meta.get_fields()}
    office, address = PERSONNEL_OFFICES.get(agency.code, ("", ""))
    missing = {
        name: value
        for name, value in (("personnel_office", office), ("personnel_address", address))
        if name in fields and value and not getattr(agency, name)
    }
    if missing:
        type(agency).objects.using(agency._state.db).filter(pk=agency.pk).update(**missing)


def ensure_reference_data(apps, using: str = "default") -> None:
    """Create the agencies, groups and role permissions if missing (idempotent), in `using`'s
    database (a migration passes its own connection's: the owner's)."""
    Agency = apps.get_model("facilities", "Agency")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for code, name in AGENCIES:
        agency, _ = Agency.objects.using(using).get_or_create(code=code, defaults={"name": name})
        _fill_personnel_office(agency)

    user_type, _ = ContentType.objects.using(using).get_or_create(
        app_label="facilities", model="user"
    )
    perms = {
        codename: Permission.objects.using(using).get_or_create(
            content_type=user_type, codename=codename, defaults={"name": label}
        )[0]
        for codename, label in PERMISSION_NAMES.items()
    }
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        group.permissions.add(*(perms[c] for c in codenames))
