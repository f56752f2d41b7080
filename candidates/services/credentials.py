"""Credentials as the agency reports them: recorded and corrected (verifications are DCC's,
in `verifications`)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import save_checked
from facilities.models import User

from ..models import Credential, Person
from .people import check_may_change, check_version, locked_person


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
    credential = Credential(
        person=locked_person(actor, person),
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
    # The credential and its person, locked in one statement (credential first, as
    # record_verification locks them); no key changes, so FOR NO KEY UPDATE (people.locked_person).
    locked = (
        Credential.objects.select_for_update(no_key=True)
        .select_related("person")
        .get(pk=credential.pk)
    )
    check_may_change(actor, locked.person)
    check_version(locked, expected_version)
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
