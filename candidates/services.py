"""Every write to people, credentials, verifications and experience spells.

Each function checks the actor's permission itself (the view asks too), locks what it
changes, validates with `full_clean()` and writes inside one transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from common import files
from common.errors import ConflictError, Refused, save_checked
from common.uploads import EVIDENCE, check_upload
from facilities.models import Agency, User

from . import permissions
from .dates import today_in_new_york
from .models import Credential, ExperienceSpell, Person, Verification


def _locked_spell(spell: ExperienceSpell) -> ExperienceSpell:
    """The spell, locked; one removed meanwhile (a second click on Remove) is a conflict."""
    locked = ExperienceSpell.objects.select_for_update().filter(pk=spell.pk).first()
    if locked is None:
        raise ConflictError(
            _("This experience was removed meanwhile. Nothing was saved: reload the page.")
        )
    return locked


def _check_version(
    obj: Person | Credential | ExperienceSpell, expected_version: int | None
) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this record while you were editing it. "
                "Your changes were not saved: reload the page to see the current version."
            )
        )


# --- People ----------------------------------------------------------------------------------


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
    if not permissions.can_edit_person(actor, person):
        raise Refused(_("You may not change this person's record."))
    locked = Person.objects.select_for_update().get(pk=person.pk)
    _check_version(locked, expected_version)
    locked.given_name = given_name.strip()
    locked.family_name = family_name.strip()
    locked.employee_id = employee_id.strip()
    locked.email = email.strip()
    locked.degree = degree.strip()
    locked.degree_date = degree_date
    locked.version += 1
    save_checked(locked)
    return locked


# --- Credentials -----------------------------------------------------------------------------


@transaction.atomic
def add_credential(
    *,
    actor: User,
    person: Person,
    kind: str,
    awarded_on: date,
    ahima_id: str = "",
    valid_through: date | None = None,
    status: str = "active",
) -> Credential:
    """Record a credential as the agency reports it; it stays unverified until DCC verifies it."""
    if not permissions.can_edit_person(actor, person):
        raise Refused(_("You may not change this person's record."))
    credential = Credential(
        person=person,
        kind=kind,
        ahima_id=ahima_id.strip(),
        awarded_on=awarded_on,
        valid_through=valid_through,
        status=status,
    )
    save_checked(credential)
    return credential


@transaction.atomic
def edit_credential(
    *,
    actor: User,
    credential: Credential,
    expected_version: int | None,
    ahima_id: str,
    awarded_on: date,
    valid_through: date | None = None,
    status: str | None = None,
) -> Credential:
    """Correct a credential's reported facts. Once verified, status and valid-through come
    from verifications only, so changes to them are refused (record a verification instead)."""
    if not permissions.can_edit_person(actor, credential.person):
        raise Refused(_("You may not change this person's record."))
    locked = Credential.objects.select_for_update().get(pk=credential.pk)
    _check_version(locked, expected_version)
    if locked.last_verified_on is not None and (
        (status is not None and status != locked.status) or valid_through != locked.valid_through
    ):
        raise ValidationError(
            _(
                "This credential has been verified: its status and valid-through date follow "
                "the verifications. Record a new verification to change them."
            )
        )
    locked.ahima_id = ahima_id.strip()
    locked.awarded_on = awarded_on
    locked.valid_through = valid_through
    if status is not None:
        locked.status = status
    locked.version += 1
    locked.full_clean()
    locked.save(update_fields=["ahima_id", "awarded_on", "valid_through", "status", "version"])
    return locked


# --- Verifications ---------------------------------------------------------------------------


@files.settled_on_error()
@transaction.atomic
def record_verification(
    *,
    actor: User,
    credential: Credential,
    source: str,
    verified_on: date,
    status_returned: str,
    valid_through_returned: date | None = None,
    requested_on: date | None = None,
    evidence: UploadedFile | None = None,
    note: str = "",
    corrects: Verification | None = None,
    expected_version: int | None = None,
) -> Verification:
    """Append a verification and bring the credential in line with it, in one transaction.

    The credential's status, valid-through and last-verified date then follow the latest
    verification in force (a corrected verification is no longer in force); the
    "verification requested" marker is cleared. Analysts and supervisors only.
    """
    if not permissions.can_record_verification(actor):
        raise Refused(_("Only classification analysts may record verifications."))
    locked = Credential.objects.select_for_update().select_related("person").get(pk=credential.pk)
    _check_version(locked, expected_version)
    errors: dict[str, str] = {}
    if corrects is not None:
        if corrects.credential_id != locked.pk:
            errors["corrects"] = _("A verification can only correct one of the same credential.")
        elif Verification.objects.filter(corrects=corrects).exists():
            errors["corrects"] = _("That verification has already been corrected.")
    if valid_through_returned is not None and valid_through_returned < locked.awarded_on:
        errors["valid_through_returned"] = _(
            "The valid-through date cannot be before the credential was awarded (%(date)s)."
        ) % {"date": locked.awarded_on}
    if errors:
        raise ValidationError(errors)
    verification = Verification(
        credential=locked,
        source=source,
        requested_on=requested_on,
        verified_on=verified_on,
        verified_by=actor,
        status_returned=status_returned,
        valid_through_returned=valid_through_returned,
        note=note.strip(),
        corrects=corrects,
    )
    if evidence is not None:
        checked = check_upload(evidence, EVIDENCE)
        verification.evidence_sha256 = checked.sha256
        verification.evidence_size = checked.size
        verification.evidence_name = checked.safe_name
        verification.evidence_content_type = checked.content_type
        # In place only once the transaction commits (common/files.py).
        staged = files.stage(
            verification.evidence, f"{secrets.token_hex(16)}{checked.extension}", checked.file
        )
    else:
        staged = None
    try:
        verification.full_clean(exclude=["evidence"])
        verification.save()
        _apply_latest_verification(locked)
    except Exception:
        # A refused or failed write must not leave an orphan file behind.
        if staged:
            files.discard(verification.evidence.storage, staged)
        raise
    return verification


def _apply_latest_verification(credential: Credential) -> None:
    """Set the credential's verified facts from its latest verification in force."""
    latest = (
        Verification.objects.filter(credential=credential, corrected_by__isnull=True)
        .order_by("-verified_on", "-recorded_at", "-pk")
        .first()
    )
    if latest is not None:
        credential.status = latest.status_returned
        credential.valid_through = latest.valid_through_returned
        credential.last_verified_on = latest.verified_on
    credential.reverification_requested_on = None
    credential.reverification_requested_by = None
    credential.version += 1
    credential.full_clean()
    credential.save(
        update_fields=[
            "status",
            "valid_through",
            "last_verified_on",
            "reverification_requested_on",
            "reverification_requested_by",
            "version",
        ]
    )


@transaction.atomic
def request_reverification(
    *, actor: User, credential_ids: Iterable[int], on: date | None = None
) -> int:
    """Mark credentials "verification requested" (on `on`, today in New York by default).

    Credentials already marked keep their earlier date (the oldest request is the one that
    counts). The marker pre-fills the next verification's "requested on" and is cleared
    when that verification is recorded. Returns how many credentials were newly marked.
    """
    if not permissions.can_request_reverification(actor):
        raise Refused(_("Only classification analysts may request verifications."))
    on = on or today_in_new_york()
    ids = sorted({int(pk) for pk in credential_ids})
    # Lock in primary-key order, as every other path does, so two requests cannot deadlock.
    locked = list(
        Credential.objects.select_for_update()
        .filter(pk__in=ids, reverification_requested_on__isnull=True)
        .order_by("pk")
    )
    for credential in locked:
        credential.reverification_requested_on = on
        credential.reverification_requested_by = actor
        credential.version += 1
        credential.save(
            update_fields=["reverification_requested_on", "reverification_requested_by", "version"]
        )
    return len(locked)


# --- Experience ------------------------------------------------------------------------------


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
    if not permissions.can_edit_person(actor, person):
        raise Refused(_("You may not change this person's record."))
    spell = ExperienceSpell(
        person=person,
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
    if not permissions.can_edit_person(actor, spell.person):
        raise Refused(_("You may not change this person's record."))
    locked = _locked_spell(spell)
    _check_version(locked, expected_version)
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
    if not permissions.can_edit_person(actor, spell.person):
        raise Refused(_("You may not change this person's record."))
    locked = _locked_spell(spell)
    _check_version(locked, expected_version)
    locked.delete()
