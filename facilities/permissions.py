"""Small predicates on the signed-in user. Views and services ask the same ones."""

from typing import Any


def is_signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_agency_hr(user: Any) -> bool:
    return is_signed_in(user) and user.is_agency_hr


def is_analyst(user: Any) -> bool:
    """Analysts and supervisors."""
    return is_signed_in(user) and user.is_analyst


def is_supervisor(user: Any) -> bool:
    return is_signed_in(user) and user.is_supervisor


def is_employee(user: Any) -> bool:
    """A State employee who may see and file requests for their own position(s) only."""
    return is_signed_in(user) and user.is_employee


def is_dcc_staff(user: Any) -> bool:
    return is_analyst(user)


def can_see_agency(user: Any, agency_id: int | None) -> bool:
    """DCC staff see every agency; Agency HR only its own."""
    if is_dcc_staff(user):
        return True
    return is_agency_hr(user) and agency_id is not None and user.agency_id == agency_id


def has_site_access(user: Any) -> bool:
    """A role on the site (Agency HR with an agency, analyst, supervisor, an employee filing for
    their own position) or an administrator. Anyone else signed in sees only the page that says
    to ask an administrator for one."""
    if not is_signed_in(user):
        return False
    return (
        user.is_agency_hr
        or user.is_dcc_staff
        or user.is_employee
        or user.is_staff
        or user.is_superuser
    )


def has_site_role(user: Any) -> bool:
    """Agency HR or DCC staff: the roles the site's case pages are for."""
    return is_agency_hr(user) or is_dcc_staff(user)


def is_administrator(user: Any) -> bool:
    """DCC system staff (DOMAIN.md's Administrator): the Django admin is theirs, the case
    pages are not (a superuser is not silently an analyst, decision 0001)."""
    return is_signed_in(user) and user.is_staff and not has_site_role(user)
