"""The decision: approval (which changes the position's title), denial, the return to the
analyst, and the decision letter stored after the commit."""

from __future__ import annotations

import hashlib
import os
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import User

from .. import workflow
from ..letters import render_decision_letter
from ..models import (
    ReclassificationRequest,
    message_too_long,
)
from .messages import _decision_recipients, _subject
from .positions import _check_effective_date, record_title_change
from .transitions import _transition

# The advisory-lock namespace of "storing a decision letter" (pg_try_advisory_xact_lock's first key).
LETTER_LOCK = 14_001


def _store_letter_after_commit(r: ReclassificationRequest) -> None:
    # Rendering takes a second or more: never inside the locked transaction, and never a file
    # for a decision that rolls back. A failure here leaves the decision standing without its
    # letter; the worker's catch-up (`store_missing_letters`) renders it then.
    transaction.on_commit(partial(store_decision_letter, r.pk), robust=True)


def letter_name(reclassification_id: int) -> str:
    """One name per request: a retry after a crash rewrites the same file, never a second one."""
    return f"letters/decision-{reclassification_id}.pdf"


def store_decision_letter(reclassification_id: int) -> bool:
    """Render and store the letter of a decided request that has none; False when there was
    nothing to do (no decision yet, stored already, or another process is storing it now).

    Runs after the decision has committed. The request row is not locked: a transaction-level
    advisory lock keeps two processes from rendering the same letter, and the row is updated
    only if it still has no letter. The file is written whole under a temporary name, then
    renamed, then named by the row."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [LETTER_LOCK, reclassification_id]
            )
            if not cursor.fetchone()[0]:
                return False
        r = ReclassificationRequest.objects.filter(pk=reclassification_id).first()
        if r is None or r.letter or r.status not in (workflow.APPROVED, workflow.DENIED):
            return False
        pdf = render_decision_letter(r)
        storage = r.letter.storage
        name = letter_name(r.pk)
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(pdf)
        os.replace(partial, path)
        ReclassificationRequest.objects.filter(pk=r.pk, letter="").update(
            letter=name, letter_sha256=hashlib.sha256(pdf).hexdigest()
        )
    return True


def store_missing_letters(*, older_than: timedelta = timedelta(minutes=1), limit: int = 20) -> int:
    """Letters that decisions lack because the process that made them stopped before storing
    them (the background worker calls this); how many were stored."""
    cutoff = timezone.now() - older_than
    ids = list(
        ReclassificationRequest.objects.filter(
            status__in=(workflow.APPROVED, workflow.DENIED), letter="", decided_at__lte=cutoff
        )
        .order_by("decided_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(store_decision_letter(pk) for pk in ids)


def approve_reclassification(
    *,
    actor: User,
    reclassification_id: int,
    expected_version: int | None,
    effective_date: date | None = None,
    retroactive_reason: str = "",
    message: str = "",
) -> ReclassificationRequest:
    """recommended → approved by a supervisor who did not recommend it. In the same
    transaction the position's title history gains the recommended title as of the effective
    date (`record_title_change`: in effect now if the date has come, pending until then); the
    decision letter is stored after the commit; the agency is emailed. The effective date keeps
    the bounds of `effective_dates` (ValidationError on `effective_date` otherwise): a date
    before the submission needs `retroactive_reason`, which is recorded."""

    def change(r: ReclassificationRequest, today: date) -> None:
        title = r.outcome_title
        position = r.position  # locked, and read after the lock: _transition(writes_position)
        effective = effective_date or r.requested_effective_date or today
        reason = (retroactive_reason or "").strip()
        problem = message_too_long(reason, _("Reason for a retroactive date"))
        if problem:
            raise ValidationError({"retroactive_reason": problem})
        _check_effective_date(
            position,
            effective,
            today=today,
            field="effective_date",
            submitted_on=r.submitted_on,
            retroactive_reason=reason,
        )
        record_title_change(
            position=position,
            to_title=title,
            effective_on=effective,
            actor=actor,
            today=today,
            reclassification=r,
        )
        r.decided_by = actor
        r.decided_at = timezone.now()
        r.decision_effective_date = effective
        r.retroactive_reason = reason if r.submitted_on and effective < r.submitted_on else ""
        r.decision_note = (message or "").strip()
        _store_letter_after_commit(r)

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="approve",
        message=message,
        change=change,
        notify=lambda r: _decision_recipients(r, _("approved")),
        writes_position=True,
    )


def deny_reclassification(
    *, actor: User, reclassification_id: int, expected_version: int | None, message: str
) -> ReclassificationRequest:
    """recommended → denied by a supervisor who did not recommend it; the letter is stored after
    the commit and the agency is emailed."""

    def change(r: ReclassificationRequest, today: date) -> None:
        r.decided_by = actor
        r.decided_at = timezone.now()
        r.decision_note = (message or "").strip()
        _store_letter_after_commit(r)

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="deny",
        message=message,
        change=change,
        notify=lambda r: _decision_recipients(r, _("denied")),
    )


def return_reclassification_to_analyst(
    *, actor: User, reclassification_id: int, expected_version: int | None, message: str
) -> ReclassificationRequest:
    """recommended → in_review: the recommendation is cleared and the analyst is emailed."""

    def change(r: ReclassificationRequest, today: date) -> None:
        r.recommendation = ""
        r.recommended_title = None
        r.recommended_by = None
        r.recommended_for = None
        r.recommended_at = None

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="return_to_analyst",
        message=message,
        change=change,
        notify=lambda r: [
            (r.assigned_to.email if r.assigned_to else "", _subject(r, _("returned to you")))
        ],
    )
