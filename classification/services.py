"""Writes for positions and reclassification requests: one verb-first function per transition.

Each transition opens a transaction, locks the request row, checks the version the form was
drawn from, re-checks the workflow guard (`classification.workflow`) on the locked row, writes
the change and its event, and queues email in the outbox (sent by the background worker,
`classification.outbox`). Nothing else sets `status`.
A transition that writes the position (approval) locks the position first, then the request:
the one lock order of docs/conventions.md.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from candidates.models import Person
from common import files
from common.errors import ConflictError, Refused
from facilities import roles
from facilities.models import Facility, User
from facilities.selectors import authority_of, delegations_in_effect

from . import workflow
from .effective_dates import effective_date_problems, long_date
from .letters import render_decision_letter
from .models import (
    Attachment,
    DelegatedAct,
    DutyLine,
    EmailLog,
    Position,
    PositionTitleChange,
    ReclassificationEvent,
    ReclassificationRequest,
    SavedFilter,
    StatusSpell,
    Title,
)
from .selectors import (
    determination_for_facility,
    latest_title_change_on,
    pending_title_change,
    supervision_checks,
    title_in_effect,
    title_on,
)
from .uploads import CheckedFile, check_upload

__all__ = [
    "ConflictError",
    "IncompleteError",
    "Refused",
    "add_attachment",
    "apply_due_title_changes",
    "apply_title_in_effect",
    "approve_reclassification",
    "assign_reclassification",
    "comment_on_reclassification",
    "create_position",
    "create_reclassification",
    "delete_saved_filter",
    "deny_reclassification",
    "file_reclassification",
    "missing_for_submission",
    "proceed_without_comment",
    "recommend_reclassification",
    "record_event",
    "record_title_change",
    "request_reclassification_information",
    "respond_to_reclassification",
    "return_analyst_reclassifications_to_queue",
    "return_reclassification_to_analyst",
    "return_reclassification_to_queue",
    "save_queue_filter",
    "submit_reclassification",
    "take_reclassification",
    "update_reclassification_draft",
    "withdraw_reclassification",
]

DRAFT_FIELDS = (
    "proposed_title",
    "justification",
    "purpose",
    "reporting_relationships",
    "technicians_1_supervised",
    "technicians_2_supervised",
    "clerical_supervised",
    "requested_effective_date",
    "contact_name",
    "contact_email",
    "contact_phone",
)
# What an employee's own request carries (form CC-2E): no supervision counts they cannot
# know, no agency contact (the employee is the contact).
EMPLOYEE_DRAFT_FIELDS = (
    "proposed_title",
    "justification",
    "purpose",
    "reporting_relationships",
    "requested_effective_date",
)

# What a transition notifies: (recipient, subject) or (recipient, subject, with the message).
Notices = Sequence[tuple[str, str] | tuple[str, str, bool]]


# The advisory-lock namespace of "storing a decision letter" (pg_try_advisory_xact_lock's first key).
LETTER_LOCK = 14_001


class IncompleteError(ValidationError):
    """The request lacks what submission needs; `.messages` lists each missing thing."""


# --- positions --------------------------------------------------------------------------------


@transaction.atomic
def create_position(
    *,
    item_number: str,
    facility: Facility,
    title: Title,
    effective_on: date,
    incumbent: Person | None = None,
    reports_to: Position | None = None,
    actor: User | None = None,
) -> Position:
    """A new position and the first row of its title history."""
    position = Position(
        item_number=item_number,
        facility=facility,
        title=title,
        incumbent=incumbent,
        reports_to=reports_to,
    )
    position.full_clean()
    position.save()
    PositionTitleChange.objects.create(
        position=position, to_title=title, effective_on=effective_on, changed_by=actor
    )
    return position


# --- title history (docs/decisions/0014-effective-dates.md) ----------------------------------


def record_title_change(
    *,
    position: Position,
    to_title: Title,
    effective_on: date,
    actor: User | None,
    today: date,
    reclassification: ReclassificationRequest | None = None,
) -> PositionTitleChange:
    """Append a change to the position's effective-dated title history, and apply it now if
    it is already in effect (`today`, a New York date); a later date stays pending until
    `apply_due_title_changes` runs on it. The one way a decision changes a title (approval;
    an appeal's outcome too). The caller holds the position's row lock (taken before any
    request's: docs/conventions.md) and has checked `effective_on`
    (`effective_dates.effective_date_problems`)."""
    change = PositionTitleChange.objects.create(
        position=position,
        from_title=title_in_effect(position, effective_on),
        to_title=to_title,
        effective_on=effective_on,
        reclassification=reclassification,
        changed_by=actor,
    )
    apply_title_in_effect(position, today)
    return change


def apply_title_in_effect(position: Position, on: date) -> bool:
    """Store in `position.title` the title its history puts in effect on `on`; True if it
    changed. The caller holds the position's row lock."""
    title = title_in_effect(position, on)
    if title.pk == position.title_id:
        return False
    position.title = title
    position.full_clean()
    position.save(update_fields=["title"])
    return True


def apply_due_title_changes(*, on: date) -> list[Position]:
    """Every position whose stored title is not the one its history puts in effect on `on`
    (a New York date) takes that title: the daily run (`manage.py apply_due_title_changes`)
    that makes a future-dated approval take effect on its date. Each position in its own
    transaction, locked (a position before its requests; no request is locked here) and read
    again under the lock, in id order: running it twice, or twice at once, changes each
    position once. Returns the positions changed."""
    due = list(
        Position.objects.annotate(title_on=title_on(on))
        .exclude(title_id=F("title_on"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = []
    for pk in due:
        with transaction.atomic():
            position = Position.objects.select_for_update(of=("self",)).get(pk=pk)
            if apply_title_in_effect(position, on):
                changed.append(position)
    return changed


def _check_effective_date(
    position: Position,
    day: date | None,
    *,
    today: date,
    field: str,
    submitted_on: date | None = None,
    retroactive_reason: str = "",
) -> None:
    if day is None:
        return
    problems = effective_date_problems(
        day,
        today=today,
        latest_change_on=latest_title_change_on(position),
        submitted_on=submitted_on,
        retroactive_reason=retroactive_reason,
    )
    if problems:
        raise ValidationError({field: list(problems)})


def _check_no_pending_change(position: Position, today: date) -> None:
    pending = pending_title_change(position, today)
    if pending is not None:
        raise ValidationError(
            _(
                "Position %(item)s becomes %(title)s on %(date)s. A new request can start "
                "once that change has taken effect."
            )
            % {
                "item": position.item_number,
                "title": pending.to_title.short_name,
                "date": long_date(pending.effective_on),
            }
        )


# --- drafting ---------------------------------------------------------------------------------


def _clean_duties(duties: list[tuple[str, int]]) -> list[tuple[str, int]]:
    cleaned = [(d.strip(), int(p)) for d, p in duties if d and d.strip()]
    for _desc, percent in cleaned:
        if not 1 <= percent <= 100:
            raise ValidationError(_("Each duty's share of time is between 1 and 100 percent."))
    return cleaned


@transaction.atomic
def create_reclassification(
    *,
    actor: User,
    position: Position,
    proposed_title: Title,
    duties: list[tuple[str, int]] | None = None,
    creation_token: uuid.UUID | None = None,
    **fields: Any,
) -> ReclassificationRequest:
    """A draft request for `position` by its agency's HR, with a `create` event.

    Posting the same form twice (same `creation_token`) returns the first draft unchanged,
    also when the two posts run at once (decision 0002): the token is looked up once the
    position is locked, so a second post that waited for the first's lock finds its draft.
    """
    position = Position.objects.select_for_update().select_related("facility").get(pk=position.pk)
    existing = _draft_for_token(creation_token, actor)
    if existing is not None:
        return existing
    held = workflow.roles_for(
        actor,
        agency_id=position.facility.agency_id,
        assigned_to_id=None,
        recommended_by_id=None,
        employee_id=actor.pk if _holds_position(actor, position) else None,
    )
    by_employee = workflow.EMPLOYEE in held
    if not by_employee and workflow.AGENCY_HR not in held:
        raise Refused(
            _("Only the position's agency HR, or an employee in it, may start a request.")
        )
    if not position.active:
        raise ValidationError(_("Position %(item)s is inactive.") % {"item": position.item_number})
    unknown = set(fields) - set(EMPLOYEE_DRAFT_FIELDS if by_employee else DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    open_request = position.reclassifications.filter(status__in=workflow.OPEN_STATUSES).first()
    if open_request is not None:
        raise ValidationError(
            _("Position %(item)s already has an open request (no. %(id)s).")
            % {"item": position.item_number, "id": open_request.pk}
        )
    now = timezone.now()
    today = timezone.localdate(now)
    _check_no_pending_change(position, today)
    _check_effective_date(
        position,
        fields.get("requested_effective_date"),
        today=today,
        field="requested_effective_date",
    )
    reclassification = ReclassificationRequest(
        position=position,
        agency_id=position.facility.agency_id,
        current_title=title_in_effect(position, today),
        proposed_title=proposed_title,
        created_by=actor,
        created_at=now,
        updated_at=now,
        creation_token=creation_token,
        status=workflow.DRAFT,
        **fields,
    )
    if by_employee:
        reclassification.employee = actor
        reclassification.contact_name = actor.get_full_name() or actor.username
        reclassification.contact_email = actor.email
    _check_proposed_title(reclassification)
    reclassification.full_clean()
    try:
        with transaction.atomic():
            reclassification.save()
    except IntegrityError as exc:  # a concurrent post won the race (this form, or this position)
        existing = _draft_for_token(creation_token, actor)
        if existing is not None:
            return existing
        raise ValidationError(
            _("Position %(item)s already has an open request.") % {"item": position.item_number}
        ) from exc
    _replace_duties(reclassification, duties or [])
    record_event(
        reclassification=reclassification,
        action="create",
        from_status="",
        to_status=workflow.DRAFT,
        actor=actor,
        at=now,
    )
    return reclassification


def _holds_position(user: User, position: Position) -> bool:
    """`user` is an employee an administrator linked to `position`."""
    return bool(
        user
        and user.is_authenticated
        and user.is_employee
        and position.employees.filter(pk=user.pk).exists()
    )


def _draft_for_token(
    creation_token: uuid.UUID | None, actor: User
) -> ReclassificationRequest | None:
    """The draft an earlier post of the same form created, if any (another user's: refused)."""
    if creation_token is None:
        return None
    existing = ReclassificationRequest.objects.filter(creation_token=creation_token).first()
    if existing is not None and existing.created_by_id != actor.pk:
        raise Refused(_("This form was already used by someone else."))
    return existing


def record_event(
    *,
    reclassification: ReclassificationRequest,
    action: str,
    from_status: str,
    to_status: str,
    actor: User,
    at: datetime,
    message: str = "",
) -> ReclassificationEvent:
    """Append one event to the request's history, and keep its status spells: the spell the
    request was in ends now, and a new one starts unless the request is closed. The caller
    holds the request's row lock, so events of one request are recorded one at a time, each
    after the last (docs/decisions/0012)."""
    event = ReclassificationEvent.objects.create(
        reclassification=reclassification,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        at=at,
        message=message,
    )
    StatusSpell.objects.filter(reclassification=reclassification, ended_at__isnull=True).update(
        ended_at=at
    )
    if to_status not in workflow.CLOSED_STATUSES:
        StatusSpell.objects.create(
            event=event, reclassification=reclassification, status=to_status, started_at=at
        )
    return event


def _check_proposed_title(reclassification: ReclassificationRequest) -> None:
    if reclassification.proposed_title_id == reclassification.current_title_id:
        raise ValidationError(
            {"proposed_title": _("The proposed title is the position's current title.")}
        )


def _replace_duties(reclassification: ReclassificationRequest, duties: list[tuple[str, int]]):
    reclassification.duties.all().delete()
    DutyLine.objects.bulk_create(
        DutyLine(reclassification=reclassification, order=i, description=d, percent=p)
        for i, (d, p) in enumerate(_clean_duties(duties))
    )


def _locked(reclassification_id: int) -> ReclassificationRequest:
    return (
        ReclassificationRequest.objects.select_for_update(of=("self",))
        .select_related("position__facility__agency")
        .get(pk=reclassification_id)
    )


def _lock_position_of(reclassification_id: int) -> None:
    # Position before request, the order the database's triggers take when a position moves
    # (him_position_moved updates its requests): the other order deadlocks with a move.
    list(
        Position.objects.select_for_update(of=("self",))
        .filter(reclassifications=reclassification_id)
        .values_list("pk", flat=True)
    )


def check_version(reclassification: ReclassificationRequest, expected_version: int | None):
    if expected_version is not None and reclassification.version != expected_version:
        last = reclassification.events.select_related("actor").order_by("-at", "-pk").first()
        who = (
            _(" (last: “%(action)s” by %(actor)s)") % {"action": last.action, "actor": last.actor}
            if last
            else ""
        )
        raise ConflictError(
            _(
                "This request changed since you opened it%(who)s. Nothing was saved: reload the "
                "page, check the change and try again."
            )
            % {"who": who}
        )


@transaction.atomic
def update_reclassification_draft(
    *,
    actor: User,
    reclassification_id: int,
    expected_version: int,
    duties: list[tuple[str, int]],
    **fields: Any,
) -> ReclassificationRequest:
    """Save the agency's edits to a draft (fields and duties); the version moves on."""
    reclassification = _locked(reclassification_id)
    check_version(reclassification, expected_version)
    held = workflow.roles_for(
        actor,
        agency_id=reclassification.position.facility.agency_id,
        assigned_to_id=None,
        recommended_by_id=None,
        employee_id=reclassification.employee_id,
    )
    editor = workflow.EMPLOYEE if reclassification.filed_by_employee else workflow.AGENCY_HR
    if editor not in held or reclassification.status != workflow.DRAFT:
        raise Refused(_("Only the one who started a draft may edit it."))
    allowed = EMPLOYEE_DRAFT_FIELDS if reclassification.filed_by_employee else DRAFT_FIELDS
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(reclassification, name, value)
    _check_proposed_title(reclassification)
    if "requested_effective_date" in fields:
        _check_effective_date(
            reclassification.position,
            reclassification.requested_effective_date,
            today=timezone.localdate(),
            field="requested_effective_date",
        )
    reclassification.version += 1
    reclassification.updated_at = timezone.now()
    reclassification.full_clean()
    reclassification.save()
    _replace_duties(reclassification, duties)
    return reclassification


def missing_for_submission(reclassification: ReclassificationRequest) -> list[str]:
    """What a draft lacks before it can be submitted (empty when complete)."""
    missing = []
    if not reclassification.justification.strip():
        missing.append(_("a justification"))
    total = sum(d.percent for d in reclassification.duties.all())
    if total != 100:
        missing.append(
            _("duties whose shares of time sum to 100%% (they sum to %(total)s%%)")
            % {"total": total}
        )
    # An employee may not have the organization chart: the agency can attach it with its
    # comment, and DCC can ask for it (decision 0015).
    if (
        not reclassification.filed_by_employee
        and not reclassification.attachments.filter(
            kind=Attachment.Kind.ORGANIZATION_CHART
        ).exists()
    ):
        missing.append(_("an organization chart (attach it as “Organization chart”)"))
    return missing


# --- transitions ------------------------------------------------------------------------------


def _snapshot_determination(reclassification: ReclassificationRequest) -> None:
    determination = determination_for_facility(reclassification.position.facility)
    a = determination.allocation
    reclassification.standard_id = a.standard
    reclassification.counts_fiscal_year = determination.fiscal_year
    reclassification.warranted_title = determination.title
    reclassification.determination_needs_review = a.needs_review
    reclassification.determination_reasons = list(a.reasons)
    reclassification.determination_clauses = list(a.clauses)


def _transition(
    *,
    actor: User,
    reclassification_id: int,
    expected_version: int | None,
    action: str,
    message: str = "",
    change: Callable[[ReclassificationRequest, date], None] | None = None,
    notify: Callable[[ReclassificationRequest], Notices] | None = None,
    writes_position: bool = False,
) -> ReclassificationRequest:
    """The one path every state change takes (see the module docstring). With
    `writes_position`, `change` finds `reclassification.position` already locked."""
    with files.settled_on_error(), transaction.atomic():
        if writes_position:
            _lock_position_of(reclassification_id)
        reclassification = _locked(reclassification_id)
        check_version(reclassification, expected_version)
        now = timezone.now()
        today = timezone.localdate(now)
        # The actor's delegations in effect today, locked (position, request, delegation):
        # a delegation ended meanwhile has ended, one being ended waits for this transaction.
        authority = authority_of(actor, today, lock=True)
        transition = workflow.check(actor, reclassification, action, authority)
        grant = workflow.acting_for(actor, reclassification, transition, authority)
        acted_for = User.objects.get(pk=grant.delegator_id) if grant else None
        message = (message or "").strip()
        if transition.message_required and not message:
            raise ValidationError(_("%(label)s is required.") % {"label": transition.message_label})
        from_status = reclassification.status
        if from_status == workflow.INFO_REQUESTED and reclassification.paused_since:
            # The clock was paused while the agency owed information: bank the pause.
            reclassification.paused_total += today - reclassification.paused_since
            reclassification.paused_since = None
        if action == "recommend":
            reclassification.recommended_for = acted_for
        if action in ("approve", "deny"):  # before `change`: the letter is signed "acting for"
            reclassification.decided_for = acted_for
        if change is not None:
            change(reclassification, today)
        reclassification.status = transition.target
        if transition.target in workflow.CLOSED_STATUSES:
            reclassification.closed_on = today
            reclassification.days_to_close = reclassification.closing_days()
        reclassification.version += 1
        reclassification.updated_at = now
        reclassification.full_clean()
        reclassification.save()
        event = record_event(
            reclassification=reclassification,
            action=action,
            from_status=from_status,
            to_status=transition.target,
            actor=actor,
            at=now,
            message=message,
        )
        if grant is not None:
            assert acted_for is not None  # a grant always names whom it acts for
            DelegatedAct.objects.create(
                event=event, delegation_id=grant.delegation_id, acted_for=acted_for
            )
        if notify is not None:
            _queue_emails(reclassification, event, notify(reclassification), acted_for)
    return reclassification


def _queue_emails(
    reclassification: ReclassificationRequest,
    event: ReclassificationEvent,
    recipients_and_subjects: Notices,
    acted_for: User | None = None,
) -> None:
    """EmailLog rows in this transaction: the outbox worker sends them once it commits (a
    page never talks to the mail server, and a rolled-back action sends nothing). A third
    item False leaves the event's message out of that recipient's email (the agency's
    comment, unshared, never reaches the employee). An action taken through a delegation
    says so: "for <delegator>, by <delegate>"."""
    # HIM_SITE_URL (e.g. https://him.cs.ny.gov) makes the link absolute; unset, it is a path.
    link = getattr(settings, "HIM_SITE_URL", "").rstrip("/") + reverse(
        "classification:reclassification_detail", args=[reclassification.pk]
    )
    seen = set()
    for recipient, subject, *rest in recipients_and_subjects:
        if not recipient or recipient in seen:
            continue
        seen.add(recipient)
        with_message = rest[0] if rest else True
        body = _(
            "%(subject)s\n\nPosition %(item)s, %(facility)s: %(current)s → %(outcome)s.\n"
            "Status: %(status)s.\n%(by)s%(message)s\nSee the request: %(link)s\n"
        ) % {
            "subject": subject,
            "item": reclassification.position.item_number,
            "facility": reclassification.position.facility.name,
            "current": reclassification.current_title,
            "outcome": _outcome_words(reclassification),
            "status": reclassification.status_label,
            "by": _("This was done for %(delegator)s, by %(delegate)s.\n")
            % {"delegator": acted_for, "delegate": event.actor}
            if acted_for is not None
            else "",
            "message": f"\n{event.message}\n" if event.message and with_message else "",
            "link": link,
        }
        EmailLog.objects.create(
            reclassification=reclassification,
            event=event,
            recipient=recipient,
            subject=subject[:200],
            body=body,
        )


def _outcome_words(reclassification: ReclassificationRequest) -> str:
    """The title the request now leads to, and the proposed one when that differs."""
    if not reclassification.outcome_differs:
        return str(reclassification.outcome_title)
    return _("%(outcome)s (proposed: %(proposed)s)") % {
        "outcome": reclassification.outcome_title,
        "proposed": reclassification.proposed_title,
    }


def _agency_contact(reclassification: ReclassificationRequest) -> str:
    """Who hears of a request's progress: the contact it names (on an employee's request, the
    employee), else its author."""
    return reclassification.contact_email or reclassification.created_by.email


def _agency_hr_emails(reclassification: ReclassificationRequest) -> list[str]:
    """The active HR users of the request's agency (who comment on an employee's request)."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True, groups__name=roles.AGENCY_HR, agency_id=reclassification.agency_id
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
        .order_by("email")
    )


def _decision_recipients(r: ReclassificationRequest, what: str) -> list[tuple[str, str]]:
    """The request's contact and, on an employee's request, the agency's HR as well."""
    subject = _subject(r, what)
    recipients = [(_agency_contact(r), subject)]
    if r.filed_by_employee:
        recipients += [(e, subject) for e in _agency_hr_emails(r)]
    return recipients


def _subject(reclassification: ReclassificationRequest, what: str) -> str:
    return _("Reclassification %(id)s (item %(item)s): %(what)s") % {
        "id": reclassification.pk,
        "item": reclassification.position.item_number,
        "what": what,
    }


def submit_reclassification(
    *, actor: User, reclassification_id: int, expected_version: int | None
) -> ReclassificationRequest:
    """draft → submitted when complete (IncompleteError lists what is missing). Starts the
    turnaround clock and freezes the determination the request rests on."""

    def change(r: ReclassificationRequest, today: date) -> None:
        missing = missing_for_submission(r)
        if missing:
            raise IncompleteError(missing)
        r.current_title = title_in_effect(r.position, today)
        _check_proposed_title(r)
        r.submitted_at = timezone.now()
        r.submitted_on = today
        _snapshot_determination(r)

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="submit",
        change=change,
    )


def file_reclassification(
    *, actor: User, reclassification_id: int, expected_version: int | None
) -> ReclassificationRequest:
    """draft → agency_comment: the employee files their own request (form CC-2E) when it is
    complete. It goes to the agency's HR for comment, due HIM_AGENCY_COMMENT_DAYS calendar
    days on (New York dates); the agency's HR is emailed. DCC's turnaround clock starts when
    the request reaches its queue (on the comment, or when DCC proceeds without it)."""

    def change(r: ReclassificationRequest, today: date) -> None:
        missing = missing_for_submission(r)
        if missing:
            raise IncompleteError(missing)
        r.current_title_id = r.position.title_id
        _check_proposed_title(r)
        r.comment_due_on = today + timedelta(days=settings.HIM_AGENCY_COMMENT_DAYS)

    def agency(r: ReclassificationRequest) -> list[tuple[str, str]]:
        due = r.comment_due_on
        assert due is not None  # set by `change` above
        subject = _subject(
            r,
            _("an employee's request awaits your comment by %(due)s")
            % {"due": date_format(due, "DATE_FORMAT")},
        )
        return [(e, subject) for e in _agency_hr_emails(r)]

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="file",
        change=change,
        notify=agency,
    )


def _reaches_dcc(r: ReclassificationRequest, today: date) -> None:
    """An employee's request enters DCC's queue: its turnaround clock starts now and the
    determination it rests on is frozen, as a submission by the agency does."""
    r.current_title_id = r.position.title_id
    r.submitted_at = timezone.now()
    r.submitted_on = today
    _snapshot_determination(r)


def comment_on_reclassification(
    *,
    actor: User,
    reclassification_id: int,
    expected_version: int | None,
    stance: str,
    message: str,
    shared: bool = False,
    files: list[tuple[str, UploadedFile]] | None = None,
) -> ReclassificationRequest:
    """agency_comment → submitted: the agency's HR gives its position on an employee's
    request (supports, opposes, no position), its comment and files, shared with the
    employee or not; the request enters DCC's queue. Allowed after the due date too, as long
    as DCC has not proceeded without it. The employee is emailed (with the comment only if
    shared)."""
    if stance not in ReclassificationRequest.Stance.values:
        raise ValidationError(_("Say whether the agency supports, opposes or takes no position."))

    def change(r: ReclassificationRequest, today: date) -> None:
        r.agency_stance = stance
        r.agency_comment = (message or "").strip()
        r.agency_comment_shared = bool(shared)
        r.agency_commented_by = actor
        r.agency_commented_at = timezone.now()
        for kind, upload in files or []:
            _store_attachment(r, actor=actor, kind=kind, upload=upload, shared=bool(shared))
        _reaches_dcc(r, today)

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="comment",
        message=message,
        change=change,
        notify=lambda r: [
            (
                _agency_contact(r),
                _subject(r, _("your agency commented; DCC reviews it next")),
                shared,
            )
        ],
    )


def proceed_without_comment(
    *, actor: User, reclassification_id: int, expected_version: int | None, message: str = ""
) -> ReclassificationRequest:
    """agency_comment → submitted by DCC staff once the agency's comment period has ended
    (the workflow refuses it before): the request enters DCC's queue without the comment.
    The employee and the agency's HR are emailed."""

    def recipients(r: ReclassificationRequest) -> list[tuple[str, str]]:
        subject = _subject(r, _("DCC reviews it without the agency's comment"))
        return [(_agency_contact(r), subject)] + [(e, subject) for e in _agency_hr_emails(r)]

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="proceed_without_comment",
        message=message,
        change=_reaches_dcc,
        notify=recipients,
    )


def take_reclassification(
    *, actor: User, reclassification_id: int, expected_version: int | None
) -> ReclassificationRequest:
    """submitted → in_review, assigned to the analyst who takes it."""

    def change(r: ReclassificationRequest, today: date) -> None:
        r.assigned_to = actor

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="take",
        change=change,
    )


def assign_reclassification(
    *, actor: User, reclassification_id: int, expected_version: int | None, analyst: User
) -> ReclassificationRequest:
    """submitted/in_review → in_review, assigned by a supervisor; the analyst is emailed."""
    if not (analyst and analyst.is_active and analyst.is_analyst):
        raise ValidationError(_("Choose a classification analyst or supervisor."))

    def change(r: ReclassificationRequest, today: date) -> None:
        if r.assigned_to_id == analyst.pk and r.status == workflow.IN_REVIEW:
            raise ValidationError(_("The request is already assigned to %(a)s.") % {"a": analyst})
        r.assigned_to = analyst

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="assign",
        message=_("Assigned to %(analyst)s.") % {"analyst": analyst},
        change=change,
        notify=lambda r: [(analyst.email, _subject(r, _("assigned to you")))],
    )


def return_reclassification_to_queue(
    *, actor: User, reclassification_id: int, expected_version: int | None, message: str = ""
) -> ReclassificationRequest:
    """in_review → submitted, unassigned, for someone else to take."""

    def change(r: ReclassificationRequest, today: date) -> None:
        r.assigned_to = None

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="return_to_queue",
        message=message,
        change=change,
    )


def request_reclassification_information(
    *, actor: User, reclassification_id: int, expected_version: int | None, message: str
) -> ReclassificationRequest:
    """in_review → info_requested: the clock pauses and the agency contact is emailed."""

    def change(r: ReclassificationRequest, today: date) -> None:
        r.paused_since = today

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="request_information",
        message=message,
        change=change,
        notify=lambda r: [(_agency_contact(r), _subject(r, _("DCC asks for information")))],
    )


def respond_to_reclassification(
    *,
    actor: User,
    reclassification_id: int,
    expected_version: int | None,
    message: str,
    files: list[tuple[str, UploadedFile]] | None = None,
) -> ReclassificationRequest:
    """info_requested → in_review with the agency's answer (and files); the clock restarts and
    the assigned analyst is emailed."""

    def change(r: ReclassificationRequest, today: date) -> None:
        for kind, upload in files or []:
            _store_attachment(r, actor=actor, kind=kind, upload=upload)

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="respond",
        message=message,
        change=change,
        notify=lambda r: [
            (r.assigned_to.email if r.assigned_to else "", _subject(r, _("the agency responded")))
        ],
    )


def recommend_reclassification(
    *,
    actor: User,
    reclassification_id: int,
    expected_version: int | None,
    recommendation: str,
    rationale: str,
    recommended_title: Title | None = None,
) -> ReclassificationRequest:
    """in_review → recommended (approve as a title, or deny); supervisors are emailed."""
    if recommendation not in ReclassificationRequest.Recommendation.values:
        raise ValidationError(_("Recommend approval or denial."))

    def change(r: ReclassificationRequest, today: date) -> None:
        title = None
        if recommendation == ReclassificationRequest.Recommendation.APPROVE:
            title = recommended_title or r.proposed_title
            if title.pk == title_in_effect(r.position, today).pk:
                raise ValidationError(_("The recommended title is the position's current title."))
        r.recommendation = recommendation
        r.recommended_title = title
        r.recommendation_rationale = rationale.strip()
        r.recommended_by = actor
        r.recommended_at = timezone.now()
        _snapshot_determination(r)
        # The facts the decision rests on, as they stand now: a decided request shows these.
        r.supervision_facts = [
            {"ok": c.ok, "message": c.message}
            for c in supervision_checks(r.position, r.outcome_title, on=today)
        ]

    def supervisors(r: ReclassificationRequest) -> list[tuple[str, str]]:
        emails = list(
            get_user_model()
            .objects.filter(is_active=True, groups__name=roles.SUPERVISOR)
            .exclude(pk=actor.pk)
            .values_list("email", flat=True)
            .distinct()
        )
        # Acting supervisors today are told too (docs/decisions/0018-delegation.md).
        emails += (
            delegations_in_effect(timezone.localdate())
            .filter(kind="acting_supervisor", delegate__is_active=True)
            .exclude(delegate=actor)
            .order_by("delegate_id")
            .values_list("delegate__email", flat=True)
        )
        return [(e, _subject(r, _("a recommendation awaits your decision"))) for e in emails]

    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="recommend",
        message=rationale,
        change=change,
        notify=supervisors,
    )


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


def withdraw_reclassification(
    *, actor: User, reclassification_id: int, expected_version: int | None, message: str
) -> ReclassificationRequest:
    """draft/submitted/in_review/info_requested → withdrawn by the agency."""
    return _transition(
        actor=actor,
        reclassification_id=reclassification_id,
        expected_version=expected_version,
        action="withdraw",
        message=message,
    )


# --- attachments ------------------------------------------------------------------------------

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
        authority=None if reclassification.status == workflow.IN_REVIEW else workflow.NO_AUTHORITY,
    )
    if workflow.EMPLOYEE in held:
        # The employee's files go with the draft (and with an answer to DCC, through respond);
        # the agency's go with its comment.
        return reclassification.status == workflow.DRAFT
    if workflow.AGENCY_HR in held:
        return reclassification.status in ATTACH_STATUSES
    reviewer = held & {workflow.ASSIGNED_ANALYST, workflow.COVERING_ANALYST}
    return bool(reviewer) and reclassification.status == workflow.IN_REVIEW


def checked_upload(upload: UploadedFile) -> tuple[CheckedFile, str, int]:
    """An upload's content, size and expansion checks (ValidationError if it fails them), its
    SHA-256 and its size, with the file rewound for storing: every attachment's first step."""
    checked = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    assert upload.size is not None  # Django sizes every uploaded file
    return checked, digest.hexdigest(), upload.size


def _store_attachment(
    r: ReclassificationRequest,
    *,
    actor: User,
    kind: str,
    upload: UploadedFile,
    shared: bool = False,
) -> Attachment:
    checked, sha256, size = checked_upload(upload)
    attachment = Attachment(
        reclassification=r,
        kind=kind,
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size=size,
        sha256=sha256,
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


# --- reassignment and saved filters -----------------------------------------------------------


def return_analyst_reclassifications_to_queue(
    *, actor: User, analyst: User, message: str = ""
) -> list[ReclassificationRequest]:
    """Every request `analyst` holds in review goes back to the queue, unassigned, in one
    transaction: each through `return_reclassification_to_queue` (its lock, guard and event),
    in id order so two supervisors doing this at once lock rows in the same order. If one
    fails, none is returned. Requests waiting on the agency or recommended stay assigned (the
    workflow has no return from there); the reassignment list shows them."""
    if not (actor and actor.is_active and actor.is_supervisor):
        raise Refused(_("Only a supervisor may return an analyst's requests."))
    note = (message or "").strip() or _("Returned to the queue: %(analyst)s is unavailable.") % {
        "analyst": analyst
    }
    with transaction.atomic():
        ids = list(
            ReclassificationRequest.objects.filter(assigned_to=analyst, status=workflow.IN_REVIEW)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return [
            return_reclassification_to_queue(
                actor=actor, reclassification_id=pk, expected_version=None, message=note
            )
            for pk in ids
        ]


QUERY_DROPPED = ("page", "_export", "export")


def _clean_query(query: str) -> str:
    from urllib.parse import parse_qsl, urlencode

    pairs = [
        (k, v)
        for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=False)
        if k not in QUERY_DROPPED
    ]
    return urlencode(pairs)


@transaction.atomic
def save_queue_filter(*, user: User, name: str, query: str) -> SavedFilter:
    """Save (or, under the same name, replace) one of `user`'s own queue filters. The query
    string loses its page and export parameters so applying it shows the first page."""
    if not (user and user.is_authenticated and user.is_active):
        raise Refused(_("Sign in to save filters."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    cleaned = _clean_query(query or "")
    saved = SavedFilter.objects.select_for_update().filter(user=user, name=name).first()
    if saved is None:
        saved = SavedFilter(user=user, name=name)
    saved.query = cleaned
    saved.full_clean()
    saved.save()
    return saved


@transaction.atomic
def delete_saved_filter(*, user: User, saved_filter_id: int) -> None:
    """Delete one of `user`'s saved filters; another user's id is treated as missing."""
    deleted, _rows = SavedFilter.objects.filter(user=user, pk=saved_filter_id).delete()
    if not deleted:
        raise SavedFilter.DoesNotExist


SERVICES: dict[str, Callable[..., ReclassificationRequest]] = {
    "submit": submit_reclassification,
    "file": file_reclassification,
    "comment": comment_on_reclassification,
    "proceed_without_comment": proceed_without_comment,
    "take": take_reclassification,
    "assign": assign_reclassification,
    "return_to_queue": return_reclassification_to_queue,
    "request_information": request_reclassification_information,
    "respond": respond_to_reclassification,
    "recommend": recommend_reclassification,
    "approve": approve_reclassification,
    "deny": deny_reclassification,
    "return_to_analyst": return_reclassification_to_analyst,
    "withdraw": withdraw_reclassification,
}
