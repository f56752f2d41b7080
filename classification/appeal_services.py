"""Writes for appeals to the Civil Service Commission (decision 0021-appeals).

One verb-first function per step; every status change goes through `_appeal_transition`,
which locks (the position first when the title changes, then the appeal), checks the version
the form was drawn from, re-checks `appeal_workflow` on the locked rows, writes, and appends
the event. Nothing else sets an appeal's `status`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.files import discard, settled_on_error, stage
from common.uploads import ATTACHMENTS, check_upload
from facilities.models import User

from . import appeal_workflow as aw
from . import workflow
from .appeal_packet import render_appeal_packet
from .effective_dates import long_date
from .letters import letter_date
from .models import (
    Appeal,
    AppealAttachment,
    AppealEvent,
    Position,
    ReclassificationRequest,
    Title,
    message_too_long,
)
from .selectors import title_in_effect
from .services import ConflictError, record_title_change
from .services.positions import _check_effective_date

__all__ = [
    "close_appeal",
    "file_appeal",
    "record_commission_decision",
    "store_appeal_packet",
    "transmit_appeal",
]


def _roles_args(r: ReclassificationRequest) -> dict:
    return {"agency_id": r.agency_id, "employee_id": r.employee_id}


def appeal_window_problem(r: ReclassificationRequest, today: date) -> str | None:
    """Why an appeal cannot be recorded on `r` today (a New York date), else None."""
    if r.status not in workflow.DECIDED_STATUSES:
        return _("Only a decided request can be appealed.")
    if not aw.window_open(letter_date(r), today):
        return aw.window_closed_message(letter_date(r))
    return None


def can_file_appeal(user: User, r: ReclassificationRequest, today: date) -> bool:
    """`user` may record an appeal of `r` now (the view's question; the service asks it again
    on the locked row)."""
    held = aw.appeal_roles(user, **_roles_args(r))
    return (
        aw.APPELLANT in held
        and appeal_window_problem(r, today) is None
        and not Appeal.objects.filter(reclassification=r).exists()
    )


def _record(
    appeal: Appeal, *, action: str, from_status: str, actor: User, at: datetime, message: str
) -> AppealEvent:
    problem = message_too_long(message)
    if problem:  # every step's message is checked before this; no path stores more
        raise ValidationError(problem, code="max_length")
    return AppealEvent.objects.create(
        appeal=appeal,
        action=action,
        from_status=from_status,
        to_status=appeal.status,
        actor=actor,
        at=at,
        message=message,
    )


def _store_attachment(appeal: Appeal, *, actor: User, upload: UploadedFile) -> AppealAttachment:
    # The one checker (common.uploads), with the same rules as a request's files.
    checked = check_upload(upload, ATTACHMENTS)
    attachment = AppealAttachment(
        appeal=appeal,
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    # In place only once the transaction commits (common/files.py): an appeal whose second
    # file is refused leaves neither file behind.
    staged = stage(attachment.file, f"upload{checked.extension}", upload)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        discard(attachment.file.storage, staged)
        raise
    return attachment


def file_appeal(
    *,
    actor: User,
    reclassification_id: int,
    grounds: str,
    files: list[UploadedFile] | None = None,
) -> Appeal:
    """Record an appeal of a decided request (new → filed) by its agency's HR or the employee
    who filed it, within 60 days of the letter's date (New York): after that a ValidationError
    names the day the period ended. One appeal per request."""
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": _("Give the grounds for the appeal.")})
    problem = message_too_long(grounds, _("Grounds for the appeal"))
    if problem:
        raise ValidationError({"grounds": problem})
    with settled_on_error(), transaction.atomic():
        r = (
            ReclassificationRequest.objects.select_for_update(of=("self",))
            .select_related("position")
            .get(pk=reclassification_id)
        )
        aw.check_appeal(actor, status=aw.NEW, action="file", **_roles_args(r))
        now = timezone.now()
        today = timezone.localdate(now)
        problem = appeal_window_problem(r, today)
        if problem:
            raise ValidationError(problem)
        if Appeal.objects.filter(reclassification=r).exists():
            raise ValidationError(_("This decision has already been appealed."))
        appeal = Appeal(
            reclassification=r,
            status=aw.FILED,
            grounds=grounds,
            filed_by=actor,
            filed_at=now,
            filed_on=today,
            updated_at=now,
        )
        appeal.full_clean(exclude=["reclassification"])
        try:
            with transaction.atomic():
                appeal.save()
        except IntegrityError as exc:
            raise ValidationError(_("This decision has already been appealed.")) from exc
        for upload in files or []:
            _store_attachment(appeal, actor=actor, upload=upload)
        _record(appeal, action="file", from_status="", actor=actor, at=now, message=grounds)
    return appeal


def _check_version(appeal: Appeal, expected_version: int | None) -> None:
    if expected_version is not None and appeal.version != expected_version:
        last = appeal.events.select_related("actor").order_by("-at", "-pk").first()
        who = (
            _(" (last: “%(action)s” by %(actor)s)")
            % {"action": last.action_label, "actor": last.actor}
            if last
            else ""
        )
        raise ConflictError(
            _(
                "This appeal changed since you opened it%(who)s. Nothing was saved: reload the "
                "page, check the change and try again."
            )
            % {"who": who}
        )


def _appeal_transition(
    *,
    actor: User,
    appeal_id: int,
    expected_version: int | None,
    action: str,
    message: str = "",
    change: Callable[[Appeal, date], None] | None = None,
    writes_position: bool = False,
) -> Appeal:
    """The one path every appeal state change takes (see the module docstring)."""
    with transaction.atomic():
        if writes_position:
            # A position before anything of its requests (docs/conventions.md).
            list(
                Position.objects.select_for_update(of=("self",))
                .filter(reclassifications__appeal=appeal_id)
                .values_list("pk", flat=True)
            )
        appeal = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("reclassification__position")
            .get(pk=appeal_id)
        )
        _check_version(appeal, expected_version)
        r = appeal.reclassification
        transition = aw.check_appeal(actor, status=appeal.status, action=action, **_roles_args(r))
        message = (message or "").strip()
        if transition.message_required and not message:
            raise ValidationError(_("%(label)s is required.") % {"label": transition.message_label})
        problem = message_too_long(message, transition.message_label)
        if problem:
            raise ValidationError(problem, code="max_length")
        now = timezone.now()
        today = timezone.localdate(now)
        from_status = appeal.status
        if change is not None:
            change(appeal, today)
        appeal.status = transition.target
        if transition.target == aw.CLOSED:
            appeal.closed_on = today
        appeal.version += 1
        appeal.updated_at = now
        appeal.full_clean(exclude=["reclassification", "title_change"])
        appeal.save()
        _record(
            appeal, action=action, from_status=from_status, actor=actor, at=now, message=message
        )
    return appeal


def transmit_appeal(
    *, actor: User, appeal_id: int, expected_version: int | None, message: str = ""
) -> Appeal:
    """filed → transmitted by DCC. Once committed, the record goes into one PDF packet (the
    request, its analysis, the letter and both histories), stored by `store_appeal_packet`:
    the slow rendering holds no lock."""

    def change(appeal: Appeal, today: date) -> None:
        appeal.transmitted_by = actor
        appeal.transmitted_at = timezone.now()

    appeal = _appeal_transition(
        actor=actor,
        appeal_id=appeal_id,
        expected_version=expected_version,
        action="transmit",
        message=message,
        change=change,
    )
    # As the decision letter: rendered after the commit, and a failure there leaves the appeal
    # sent without its packet until the worker's catch-up (`store_missing_packets`) renders it.
    transaction.on_commit(lambda: store_appeal_packet(appeal_id=appeal.pk), robust=True)
    return appeal


def store_appeal_packet(*, appeal_id: int) -> Appeal:
    """Render the packet of a transmitted appeal and store it (once: a second run finds it)."""
    pdf = render_appeal_packet(Appeal.objects.get(pk=appeal_id))
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
        if appeal.packet or appeal.status == aw.FILED:
            return appeal
        appeal.packet_sha256 = hashlib.sha256(pdf).hexdigest()
        appeal.packet.save("packet.pdf", ContentFile(pdf), save=False)
        appeal.save(update_fields=["packet", "packet_sha256"])
    return appeal


def store_missing_packets(*, older_than: timedelta = timedelta(minutes=1), limit: int = 20) -> int:
    """Packets that sent appeals lack because rendering failed or the process stopped after
    the commit (the background worker calls this); how many were stored."""
    cutoff = timezone.now() - older_than
    ids = list(
        Appeal.objects.filter(packet="", transmitted_at__lte=cutoff)
        .exclude(status=aw.FILED)
        .order_by("transmitted_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        store_appeal_packet(appeal_id=pk)
    return len(ids)


def _title_after(appeal: Appeal, outcome: str, title: Title | None) -> Title | None:
    """The title the Commission's decision gives the position: a reversed denial gives the
    proposed title, a reversed approval the title the position held before; a modification
    names its title."""
    r = appeal.reclassification
    if outcome == aw.REVERSED:
        return r.proposed_title if r.status == workflow.DENIED else r.current_title
    if outcome == aw.MODIFIED:
        if title is None:
            raise ValidationError({"outcome_title": _("Name the title the Commission gave.")})
        return title
    return None


def record_commission_decision(
    *,
    actor: User,
    appeal_id: int,
    expected_version: int | None,
    outcome: str,
    decided_on: date,
    message: str,
    outcome_title: Title | None = None,
    effective_on: date | None = None,
) -> Appeal:
    """transmitted → decided, recorded by DCC: upheld, modified or reversed, with the
    Commission's date and words. A modification or reversal changes the position's title
    through the same effective-dated history as an approval (`record_title_change`, in the
    same transaction, the position locked first): in effect now if its date has come, pending
    until then."""
    if outcome not in aw.OUTCOME_LABELS:
        raise ValidationError({"outcome": _("Choose the Commission's decision.")})

    def change(appeal: Appeal, today: date) -> None:
        if decided_on > today:
            raise ValidationError(
                {"decided_on": _("The Commission's date cannot be in the future.")}
            )
        if decided_on < appeal.filed_on:
            raise ValidationError(
                {
                    "decided_on": _(
                        "The appeal was filed on %(d)s: the decision is on or after it."
                    )
                    % {"d": long_date(appeal.filed_on)}
                }
            )
        title = _title_after(appeal, outcome, outcome_title)
        appeal.outcome = outcome
        appeal.commission_decided_on = decided_on
        appeal.commission_decision = (message or "").strip()
        appeal.recorded_by = actor
        appeal.recorded_at = timezone.now()
        if title is None:
            return
        position = appeal.reclassification.position
        position.refresh_from_db()  # read under the lock taken above
        effective = effective_on or decided_on
        if title.pk == title_in_effect(position, effective).pk:
            raise ValidationError(
                {
                    "outcome_title": _("The position already holds %(t)s on that date.")
                    % {"t": title}
                }
            )
        _check_effective_date(position, effective, today=today, field="effective_on")
        appeal.title_change = record_title_change(
            position=position,
            to_title=title,
            effective_on=effective,
            actor=actor,
            today=today,
            reclassification=appeal.reclassification,
        )
        appeal.outcome_title = title
        appeal.outcome_effective_on = effective

    return _appeal_transition(
        actor=actor,
        appeal_id=appeal_id,
        expected_version=expected_version,
        action="decide",
        message=message,
        change=change,
        writes_position=outcome in aw.TITLE_CHANGING,
    )


def close_appeal(
    *, actor: User, appeal_id: int, expected_version: int | None, message: str = ""
) -> Appeal:
    """decided → closed by DCC."""
    return _appeal_transition(
        actor=actor,
        appeal_id=appeal_id,
        expected_version=expected_version,
        action="close",
        message=message,
    )
