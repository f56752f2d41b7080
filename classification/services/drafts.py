"""A request from its creation through its draft edits to the check of what submission needs."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Refused
from facilities.models import User

from .. import workflow
from ..models import (
    DRAFT_TEXT_MAX_LENGTHS,
    DUTY_MAX_LENGTH,
    Attachment,
    DutyLine,
    Position,
    ReclassificationRequest,
    Title,
    message_too_long,
)
from ..selectors import (
    title_in_effect,
)
from .positions import _check_effective_date, _check_no_pending_change
from .transitions import _locked, check_version, record_event

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


def _clean_duties(duties: list[tuple[str, int]]) -> list[tuple[str, int]]:
    cleaned = [(d.strip(), int(p)) for d, p in duties if d and d.strip()]
    for desc, percent in cleaned:
        if not 1 <= percent <= 100:
            raise ValidationError(_("Each duty's share of time is between 1 and 100 percent."))
        problem = message_too_long(desc, _("Duty"), limit=DUTY_MAX_LENGTH)
        if problem:
            raise ValidationError(problem, code="max_length")
    return cleaned


def _check_text_lengths(reclassification: ReclassificationRequest) -> None:
    """The draft's texts within DRAFT_TEXT_MAX_LENGTHS (the form says so at each field; this
    is every other caller's guard)."""
    problems = {}
    for name, limit in DRAFT_TEXT_MAX_LENGTHS.items():
        label = getattr(ReclassificationRequest._meta.get_field(name), "verbose_name", name)
        problem = message_too_long(getattr(reclassification, name), label, limit=limit)
        if problem:
            problems[name] = problem
    if problems:
        raise ValidationError(problems, code="max_length")


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
    _check_text_lengths(reclassification)
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


def _check_proposed_title(reclassification: ReclassificationRequest) -> None:
    if reclassification.proposed_title_id == reclassification.current_title_id:
        raise ValidationError(
            {"proposed_title": _("The proposed title is the position's current title.")}
        )


def _replace_duties(
    reclassification: ReclassificationRequest, duties: list[tuple[str, int]]
) -> None:
    reclassification.duties.all().delete()
    DutyLine.objects.bulk_create(
        DutyLine(reclassification=reclassification, order=i, description=d, percent=p)
        for i, (d, p) in enumerate(_clean_duties(duties))
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
    _check_text_lengths(reclassification)
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
