"""People: added and corrected; and the lock every write to a person's records takes first."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ConflictError, Refused, save_checked
from facilities.models import Agency, User

from .. import permissions
from ..models import Credential, ExperienceSpell, Person


def check_version(obj: Person | Credential | ExperienceSpell, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this record while you were editing it. "
                "Your changes were not saved: reload the page to see the current version."
            )
        )


def check_may_change(actor: User, person: Person) -> None:
    """Refused unless `actor` may change `person` as read under the lock: the view's copy may
    be stale (the person moved to another agency since the page was read)."""
    if not permissions.can_edit_person(actor, person):
        raise Refused(
            _(
                "You may not change this person's record (they may have moved to another "
                "agency). Nothing was saved."
            )
        )


def locked_person(actor: User, person: Person) -> Person:
    """The person's row, locked, once `actor` may change it as it now stands.

    FOR NO KEY UPDATE: it waits for (and then sees) a move to another agency, yet lets another
    request insert a credential or spell of the person meanwhile (a foreign key's check takes
    FOR KEY SHARE), so a double-posted form still meets the unique constraint, not a lock."""
    locked = Person.objects.select_for_update(no_key=True).filter(pk=person.pk).first()
    if locked is None:
        raise ConflictError(
            _("This person's record was removed meanwhile. Nothing was saved: reload the page.")
        )
    check_may_change(actor, locked)
    return locked


@transaction.atomic
def add_person(
    *,
    actor: User,
    agency: Agency,
    given_name: str,
    family_name: str,
    employee_id: str = "",
    email: str = "",
    degree: str = "",
    degree_date: date | None = None,
) -> Person:
    """Create a person in `agency` (Agency HR: its own agency only; analysts: any)."""
    if not permissions.can_add_person(actor, agency.pk):
        raise Refused(_("You may add people only to your own agency."))
    person = Person(
        agency=agency,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        employee_id=employee_id.strip(),
        email=email.strip(),
        degree=degree.strip(),
        degree_date=degree_date,
    )
    save_checked(person)
    return person


@transaction.atomic
def edit_person(
    *,
    actor: User,
    person: Person,
    expected_version: int | None,
    given_name: str,
    family_name: str,
    employee_id: str = "",
    email: str = "",
    degree: str = "",
    degree_date: date | None = None,
) -> Person:
    """Correct a person's facts (not their agency: a move between agencies is DCC's, in the
    admin). The degree date moves the Administrator 1 experience window, so every
    evaluation shown afterwards follows it."""
    locked = locked_person(actor, person)
    check_version(locked, expected_version)
    locked.given_name = given_name.strip()
    locked.family_name = family_name.strip()
    locked.employee_id = employee_id.strip()
    locked.email = email.strip()
    locked.degree = degree.strip()
    locked.degree_date = degree_date
    locked.version += 1
    save_checked(locked)
    return locked
