"""The review steps between filing and the decision: comment, take, assign, ask and answer,
recommend, withdraw, and the supervisor's return of an analyst's queue."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.errors import Refused
from facilities import roles
from facilities.models import Delegation, User
from facilities.selectors import delegations_in_effect

from .. import workflow
from ..models import (
    ReclassificationRequest,
    Title,
)
from ..selectors import (
    supervision_checks,
    title_in_effect,
)
from .attachments import _store_attachment
from .drafts import _check_proposed_title, missing_for_submission
from .messages import _agency_contact, _agency_hr_emails, _subject
from .transitions import IncompleteError, _snapshot_determination, _transition


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
        # Read again: the analyst may have been deactivated since the form checked them.
        current = User.objects.filter(pk=analyst.pk, is_active=True).first()
        if current is None or not current.is_analyst:
            raise ValidationError(
                _("%(a)s can no longer take requests. Choose another analyst.") % {"a": analyst}
            )
        if r.assigned_to_id == current.pk and r.status == workflow.IN_REVIEW:
            raise ValidationError(_("The request is already assigned to %(a)s.") % {"a": current})
        r.assigned_to = current

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
            delegations_in_effect(timezone.localdate(), Delegation.Kind.ACTING_SUPERVISOR)
            .filter(delegate__is_active=True)
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
        # Locked, in id order: a request the analyst recommends meanwhile is either left out
        # (recommended first) or waits for this transaction, and never fails the whole batch.
        ids = list(
            ReclassificationRequest.objects.select_for_update(of=("self",))
            .filter(assigned_to=analyst, status=workflow.IN_REVIEW)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return [
            return_reclassification_to_queue(
                actor=actor, reclassification_id=pk, expected_version=None, message=note
            )
            for pk in ids
        ]
