"""Who may do what with people, credentials and verifications. Views and services ask these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from facilities.permissions import can_see_agency, is_agency_hr, is_analyst

if TYPE_CHECKING:
    from candidates.models import Person
    from facilities.permissions import Viewer


def can_view_person(user: Viewer, person: Person) -> bool:
    """DCC staff see everyone; Agency HR only its own agency's people."""
    return can_see_agency(user, person.agency_id)


def can_add_person(user: Viewer, agency_id: int | None = None) -> bool:
    """Analysts for any agency; Agency HR for its own (agency_id None: for some agency)."""
    if is_analyst(user):
        return True
    return is_agency_hr(user) and (agency_id is None or user.agency_id == agency_id)


def can_edit_person(user: Viewer, person: Person) -> bool:
    """Credentials and experience spells: Agency HR for its own agency's people, analysts any."""
    return can_add_person(user, person.agency_id)


def can_record_verification(user: Viewer) -> bool:
    """Primary-source verification is DCC's: analysts and supervisors."""
    return is_analyst(user)


def can_request_reverification(user: Viewer) -> bool:
    return is_analyst(user)
