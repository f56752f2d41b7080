"""Small predicates on the signed-in user. Views and services ask the same ones.

Each takes whoever is asking: a user, the anonymous user of a request nobody signed in to, or
None (no request at all, as in a management command); `is_signed_in` tells mypy which."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from facilities.models import User

    type Viewer = User | AnonymousUser | None


def is_signed_in(user: Viewer) -> TypeGuard[User]:
    return bool(user and user.is_authenticated and user.is_active)


def is_agency_hr(user: Viewer) -> TypeGuard[User]:
    return is_signed_in(user) and user.is_agency_hr


def is_analyst(user: Viewer) -> TypeGuard[User]:
    """Analysts and supervisors."""
    return is_signed_in(user) and user.is_analyst


def is_supervisor(user: Viewer) -> TypeGuard[User]:
    return is_signed_in(user) and user.is_supervisor


def is_employee(user: Viewer) -> TypeGuard[User]:
    """A State employee who may see and file requests for their own position(s) only."""
    return is_signed_in(user) and user.is_employee


def is_dcc_staff(user: Viewer) -> TypeGuard[User]:
    return is_analyst(user)


def can_see_agency(user: Viewer, agency_id: int | None) -> bool:
    """DCC staff see every agency; Agency HR only its own."""
    if is_dcc_staff(user):
        return True
    return is_agency_hr(user) and agency_id is not None and user.agency_id == agency_id


def can_manage_delegations(user: Viewer) -> bool:
    """Who sees the Delegations page: supervisors (in their own right) and administrators."""
    return is_supervisor(user) or is_administrator(user)


def can_manage_delegation(user: Viewer, *, kind: str, delegator_id: int | None) -> bool:
    """A supervisor names their own acting supervisor and the cover for any analyst's queue;
    an administrator does both for anyone. (An acting supervisor is not a supervisor in their
    own right, so delegated authority is never handed on from here.)"""
    if is_administrator(user):
        return True
    if not is_supervisor(user):
        return False
    if kind == "acting_supervisor":
        return delegator_id == user.pk
    return kind == "analyst_cover"


def has_site_access(user: Viewer) -> TypeGuard[User]:
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


def has_site_role(user: Viewer) -> bool:
    """Agency HR or DCC staff: the roles the site's case pages are for."""
    return is_agency_hr(user) or is_dcc_staff(user)


def is_administrator(user: Viewer) -> TypeGuard[User]:
    """DCC system staff (DOMAIN.md's Administrator): the Django admin is theirs, the case
    pages are not (a superuser is not silently an analyst, decision 0001)."""
    return is_signed_in(user) and user.is_staff and not has_site_role(user)
