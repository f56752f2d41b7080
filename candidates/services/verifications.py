"""Verifications of credentials at their source (AHIMA), and the bulk "verification
requested" marker."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from common import files
from common.errors import Refused
from common.templatetags.formats import nydate
from common.uploads import EVIDENCE, check_upload
from facilities.models import User

from .. import permissions
from ..dates import today_in_new_york
from ..models import Credential, Verification
from ..selectors import people_visible_to
from .people import check_version


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
    check_version(locked, expected_version)
    errors: dict[str, str] = {}
    if corrects is not None:
        if corrects.credential_id != locked.pk:
            errors["corrects"] = _("A verification can only correct one of the same credential.")
        elif Verification.objects.filter(corrects=corrects).exists():
            errors["corrects"] = _("That verification has already been corrected.")
    if valid_through_returned is not None and valid_through_returned < locked.awarded_on:
        errors["valid_through_returned"] = _(
            "The valid-through date cannot be before the credential was awarded (%(date)s)."
        ) % {"date": nydate(locked.awarded_on)}
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


@dataclass(frozen=True)
class ReverificationRequested:
    """What `request_reverification` did with the ids it was given (each counted once)."""

    marked: int  # newly marked "verification requested"
    already_marked: int  # marked before: they keep their earlier date
    not_found: int  # no such credential, or one the actor may not see


@transaction.atomic
def request_reverification(
    *, actor: User, credential_ids: Iterable[int | str], on: date | None = None
) -> ReverificationRequested:
    """Mark credentials "verification requested" (on `on`, today in New York by default).

    Credentials already marked keep their earlier date (the oldest request is the one that
    counts). The marker pre-fills the next verification's "requested on" and is cleared
    when that verification is recorded. Ids of credentials that do not exist, or of people
    the actor may not see, change nothing and are counted as not found.
    """
    if not permissions.can_request_reverification(actor):
        raise Refused(_("Only classification analysts may request verifications."))
    on = on or today_in_new_york()
    ids = sorted({int(pk) for pk in credential_ids})
    visible = people_visible_to(actor).values("pk")
    # Lock in primary-key order, as every other path does, so two requests cannot deadlock.
    found = list(
        Credential.objects.select_for_update().filter(pk__in=ids, person__in=visible).order_by("pk")
    )
    unmarked = [c for c in found if c.reverification_requested_on is None]
    for credential in unmarked:
        credential.reverification_requested_on = on
        credential.reverification_requested_by = actor
        credential.version += 1
        credential.save(
            update_fields=["reverification_requested_on", "reverification_requested_by", "version"]
        )
    return ReverificationRequested(
        marked=len(unmarked),
        already_marked=len(found) - len(unmarked),
        not_found=len(ids) - len(found),
    )
