"""The one transition path: lock, check the version and the guard, write the status and its
event (`_transition`), and the event log every write goes through (`record_event`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import files
from common.errors import ConflictError
from facilities.models import User
from facilities.selectors import authority_of

from .. import workflow
from ..models import (
    DelegatedAct,
    Position,
    ReclassificationEvent,
    ReclassificationRequest,
    StatusSpell,
    message_too_long,
)
from ..selectors import (
    determination_for_facility,
)
from .messages import Notices, _queue_emails


class IncompleteError(ValidationError):
    """The request lacks what submission needs; `.messages` lists each missing thing."""


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
    after the last (docs/decisions/0012). A message past MESSAGE_MAX_LENGTH is a
    ValidationError: no path stores more."""
    problem = message_too_long(message)
    if problem:
        raise ValidationError(problem, code="max_length")
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


def check_version(reclassification: ReclassificationRequest, expected_version: int | None) -> None:
    if expected_version is not None and reclassification.version != expected_version:
        # A draft's edits write no event: its last event would name the wrong change.
        last = (
            None
            if reclassification.status == workflow.DRAFT
            else reclassification.events.select_related("actor").order_by("-at", "-pk").first()
        )
        who = (
            _(" (last: “%(action)s” by %(actor)s)")
            % {"action": last.action_label, "actor": last.actor}
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
        problem = message_too_long(message, transition.message_label)
        if problem:  # the forms say so at the field; this is every other caller's guard
            raise ValidationError(problem, code="max_length")
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
