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

AGENCY_HR = "Agency HR"
ANALYST = "Classification analyst"
SUPERVISOR = "Classification supervisor"

# Role permissions live on the user model (facilities.User.Meta.permissions).
ROLE_PERMISSIONS = {
    AGENCY_HR: ["act_for_agency"],
    ANALYST: ["review_classification"],
    SUPERVISOR: ["review_classification", "decide_classification"],
}
PERMISSION_NAMES = {
    "act_for_agency": "Act for one agency (Agency HR)",
    "review_classification": "Review as a classification analyst",
    "decide_classification": "Assign and decide as a classification supervisor",
}


def ensure_reference_data(apps) -> None:
    """Create the agencies, groups and role permissions if missing (idempotent)."""
    Agency = apps.get_model("facilities", "Agency")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for code, name in AGENCIES:
        Agency.objects.get_or_create(code=code, defaults={"name": name})

    user_type, _ = ContentType.objects.get_or_create(app_label="facilities", model="user")
    perms = {
        codename: Permission.objects.get_or_create(
            content_type=user_type, codename=codename, defaults={"name": label}
        )[0]
        for codename, label in PERMISSION_NAMES.items()
    }
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*(perms[c] for c in codenames))
