"""Files attached to a request: who may attach them, and their checked, staged storage."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import files
from common.errors import Refused
from common.uploads import ATTACHMENTS, check_upload
from facilities.authority import NO_AUTHORITY
from facilities.models import User

from .. import workflow
from ..models import (
    Attachment,
    ReclassificationRequest,
)
from .transitions import _locked

ATTACH_STATUSES = (workflow.DRAFT, workflow.SUBMITTED, workflow.IN_REVIEW, workflow.INFO_REQUESTED)


def can_attach(user: User, reclassification: ReclassificationRequest) -> bool:
    """The agency while the request is open to it; the assigned analyst (or the analyst
    covering their queue today) while reviewing; the employee on their own draft."""
    held = workflow.roles_for(
        user,
        agency_id=reclassification.position.facility.agency_id,
        assigned_to_id=reclassification.assigned_to_id,
        recommended_by_id=None,
        employee_id=reclassification.employee_id,
        authority=None if reclassification.status == workflow.IN_REVIEW else NO_AUTHORITY,
    )
    if workflow.EMPLOYEE in held:
        # The employee's files go with the draft (and with an answer to DCC, through respond);
        # the agency's go with its comment.
        return reclassification.status == workflow.DRAFT
    if workflow.AGENCY_HR in held:
        return reclassification.status in ATTACH_STATUSES
    reviewer = held & {workflow.ASSIGNED_ANALYST, workflow.COVERING_ANALYST}
    return bool(reviewer) and reclassification.status == workflow.IN_REVIEW


def _store_attachment(
    r: ReclassificationRequest,
    *,
    actor: User,
    kind: str,
    upload: UploadedFile,
    shared: bool = False,
) -> Attachment:
    checked = check_upload(upload, ATTACHMENTS)
    attachment = Attachment(
        reclassification=r,
        kind=kind,
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        shared_with_employee=shared,
    )
    # In place only once the transaction commits (common/files.py).
    staged = files.stage(attachment.file, f"upload{checked.extension}", upload)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        files.discard(attachment.file.storage, staged)  # nothing half-written
        raise
    return attachment


@files.settled_on_error()
@transaction.atomic
def add_attachment(
    *, actor: User, reclassification_id: int, kind: str, upload: UploadedFile
) -> Attachment:
    """Store one checked file on the request (ValidationError says why a file is refused)."""
    r = _locked(reclassification_id)
    if not can_attach(actor, r):
        raise Refused(_("You cannot add files to this request now."))
    return _store_attachment(r, actor=actor, kind=kind, upload=upload)
