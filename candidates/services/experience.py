"""Experience spells: added, changed and removed (they are facts the agency reports)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ConflictError
from facilities.models import User

from ..models import ExperienceSpell, Person
from .people import check_may_change, check_version, locked_person


def _locked_spell(actor: User, spell: ExperienceSpell) -> ExperienceSpell:
    """The spell and its person, locked (as record_verification locks a credential with its
    person), once `actor` may change that person; one removed meanwhile (a second click on
    Remove) is a conflict."""
    locked = (
        ExperienceSpell.objects.select_for_update(no_key=True)
        .select_related("person")
        .filter(pk=spell.pk)
        .first()
    )
    if locked is None:
        raise ConflictError(
            _("This experience was removed meanwhile. Nothing was saved: reload the page.")
        )
    check_may_change(actor, locked.person)
    return locked


@transaction.atomic
def add_experience_spell(
    *,
    actor: User,
    person: Person,
    employer: str,
    title: str,
    start: date,
    end: date | None = None,
    hours_per_week: Decimal = Decimal("37.5"),
    him: bool = True,
    note: str = "",
) -> ExperienceSpell:
    """Add a spell of work to a person's record (Agency HR: own agency; analysts: any)."""
    spell = ExperienceSpell(
        person=locked_person(actor, person),
        employer=employer.strip(),
        title=title.strip(),
        start=start,
        end=end,
        hours_per_week=hours_per_week,
        him=him,
        note=note.strip(),
    )
    spell.full_clean()
    spell.save()
    return spell


@transaction.atomic
def edit_experience_spell(
    *,
    actor: User,
    spell: ExperienceSpell,
    expected_version: int | None,
    employer: str,
    title: str,
    start: date,
    end: date | None,
    hours_per_week: Decimal,
    him: bool,
    note: str = "",
) -> ExperienceSpell:
    """Change a spell; a stale form (version moved on) raises ConflictError, nothing saved."""
    locked = _locked_spell(actor, spell)
    check_version(locked, expected_version)
    locked.employer = employer.strip()
    locked.title = title.strip()
    locked.start = start
    locked.end = end
    locked.hours_per_week = hours_per_week
    locked.him = him
    locked.note = note.strip()
    locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def remove_experience_spell(
    *, actor: User, spell: ExperienceSpell, expected_version: int | None
) -> None:
    """Delete a spell entered by mistake (spells are facts the agency reports, not records
    of DCC's decisions, so they may go). A stale confirmation raises ConflictError."""
    locked = _locked_spell(actor, spell)
    check_version(locked, expected_version)
    locked.delete()
