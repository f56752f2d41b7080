"""Navigation shown to each role: one list, filtered by what the signed-in user may use."""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from facilities import permissions


def _case_user(user) -> bool:
    """Agency HR, DCC staff, or an employee (who sees only their own positions and requests;
    the registry, people and drift are the agencies' and DCC's)."""
    return permissions.has_site_role(user) or permissions.is_employee(user)


# (menu, label, URL name, predicate). Entries with the same menu form one drop-down; entries
# whose URL does not exist are left out, so a feature appears the moment its URL is added.
NAV_ITEMS = [
    (None, _("Dashboard"), "dashboard", _case_user),
    (None, _("Requests"), "classification:reclassification_list", _case_user),
    (None, _("New request"), "classification:reclassification_create", permissions.is_agency_hr),
    (None, _("Positions"), "classification:position_list", _case_user),
    (None, _("Facilities"), "facilities:facility_list", permissions.has_site_role),
    (None, _("People"), "candidates:person_list", permissions.has_site_role),
    (_("Reports"), _("Drift"), "classification:drift_report", permissions.has_site_role),
    (_("Reports"), _("Turnaround"), "classification:turnaround_report", permissions.is_dcc_staff),
    (_("Reports"), _("Reassignment"), "classification:reassignment", permissions.is_supervisor),
    (_("Reports"), _("Reverification"), "candidates:reverification", permissions.is_dcc_staff),
    (
        _("Reports"),
        _("Delegations"),
        "delegations:delegation_list",
        permissions.can_manage_delegations,
    ),
    (_("Standard"), _("The standard"), "classification:standard", permissions.is_signed_in),
    (
        _("Standard"),
        _("Allocation simulator"),
        "classification:simulator",
        permissions.is_signed_in,
    ),
    # The Administrator's work is the Django admin (DOMAIN.md); the case pages are not theirs.
    (None, _("Administration"), "admin:index", permissions.is_administrator),
]


def navigation(request: HttpRequest) -> dict:
    """`nav_items`: links and drop-down menus, the one that holds the current page marked."""
    user = getattr(request, "user", None)
    if user is None or not permissions.has_site_access(user):
        # Anonymous, or signed in with no role yet: every link would lead to the page that
        # says to ask an administrator (config.middleware.SiteAccessMiddleware).
        return {"nav_items": []}
    links: list[dict[str, Any]] = []
    for menu, label, url_name, allowed in NAV_ITEMS:
        if not allowed(user):
            continue
        try:
            # "children" too: a link without the key costs the template a failed lookup.
            links.append(
                {
                    "menu": menu,
                    "label": label,
                    "url": reverse(url_name),
                    "active": False,
                    "children": (),
                }
            )
        except NoReverseMatch:
            continue
    # The longest URL that prefixes the current path is the active entry ("/" only on itself).
    matches = [
        link
        for link in links
        if request.path == link["url"]
        or (link["url"] != "/" and request.path.startswith(link["url"]))
    ]
    if matches:
        max(matches, key=lambda link: len(link["url"]))["active"] = True
    items: list[dict[str, Any]] = []
    menus: dict[Any, dict[str, Any]] = {}  # keyed by the menu's (lazy) label
    for link in links:
        if link["menu"] is None:
            items.append(link)
            continue
        group = menus.get(link["menu"])
        if group is None:
            group = menus[link["menu"]] = {"label": link["menu"], "children": [], "active": False}
            items.append(group)
        group["children"].append(link)
        group["active"] = group["active"] or link["active"]
    return {"nav_items": items}
