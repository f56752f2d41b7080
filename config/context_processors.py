"""Navigation shown to each role: one list, filtered by what the signed-in user may use."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from facilities import permissions

# (label, URL name, predicate). Entries whose URL does not exist yet are left out, so a feature
# appears in the menu the moment its URL is added.
NAV_ITEMS = [
    ("Dashboard", "dashboard", permissions.is_signed_in),
    ("Requests", "classification:reclassification_list", permissions.is_signed_in),
    ("Positions", "classification:position_list", permissions.is_signed_in),
    ("Facilities", "facilities:facility_list", permissions.is_signed_in),
    ("People", "candidates:person_list", permissions.is_signed_in),
    ("Reverification", "candidates:reverification", permissions.is_dcc_staff),
    ("Drift", "classification:drift_report", permissions.is_signed_in),
    ("Turnaround", "classification:turnaround_report", permissions.is_dcc_staff),
    ("Standard", "classification:standard", permissions.is_signed_in),
    ("Simulator", "classification:simulator", permissions.is_signed_in),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, allowed in NAV_ITEMS:
        if not allowed(user):
            continue
        try:
            items.append({"label": label, "url": reverse(url_name), "active": False})
        except NoReverseMatch:
            continue
    # The longest URL that prefixes the current path is the active entry ("/" only on itself).
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
