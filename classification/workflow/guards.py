"""Who holds which role on a request today (delegations included), and the guard every
transition, button and test derives from the table: `check`, `allowed_transitions`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from common.errors import Refused
from facilities.authority import NO_AUTHORITY, Authority, Grant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from classification.models import ReclassificationRequest
    from facilities.models import User

from .table import (
    ACTING_SUPERVISOR,
    ACTING_SUPERVISOR_NOT_RECOMMENDER,
    AGENCY_HR,
    ANALYST,
    ASSIGNED_ANALYST,
    COVERING_ANALYST,
    DELEGATED_ROLES,
    EMPLOYEE,
    EMPLOYEE_AGENCY_HR,
    STATUS_LABELS,
    STATUSES,
    SUPERVISOR,
    SUPERVISOR_NOT_RECOMMENDER,
    TRANSITIONS,
    TRANSITIONS_BY_ACTION,
    WHO_LABELS,
    Transition,
)


def _authority_of(user: User | AnonymousUser, authority: Authority | None) -> Authority:
    if authority is not None:
        return authority
    # The user's delegations in effect today, read once per request (facilities.User).
    return getattr(user, "authority", None) or NO_AUTHORITY


def roles_for(
    user: User | AnonymousUser,
    *,
    agency_id: int | None,
    assigned_to_id: int | None,
    recommended_by_id: int | None,
    recommended_for_id: int | None = None,
    authority: Authority | None = None,
    employee_id: int | None = None,
) -> frozenset[str]:
    """The workflow roles `user` holds towards one request (or a new one of `agency_id`).

    The two-person rule looks at both the person who recommended and the person they
    recommended for (a covering analyst recommends for the assigned analyst): neither may
    decide, in their own right or as anyone's acting supervisor, and an acting supervisor may
    not decide for either of them. Delegated roles come from `authority` (default: the
    user's delegations in effect today).

    `employee_id` is the employee who filed the request (form CC-2E), None when the agency
    filed it; for a new request, the user's own id when the user holds the position. On an
    employee's request the agency's HR only comments: it holds EMPLOYEE_AGENCY_HR, never
    AGENCY_HR, so it cannot submit, withdraw or answer for the employee."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    recommenders = {recommended_by_id, recommended_for_id} - {None}
    held = set()
    if user.is_agency_hr and agency_id is not None and user.agency_id == agency_id:
        held.add(AGENCY_HR if employee_id is None else EMPLOYEE_AGENCY_HR)
    if employee_id is not None and user.is_employee and user.pk == employee_id:
        held.add(EMPLOYEE)
    if not user.is_analyst:
        return frozenset(held)  # delegations give DCC powers to DCC staff only
    held.add(ANALYST)
    if assigned_to_id is not None and assigned_to_id == user.pk:
        held.add(ASSIGNED_ANALYST)
    if user.is_supervisor:
        held.add(SUPERVISOR)
        if user.pk not in recommenders:
            held.add(SUPERVISOR_NOT_RECOMMENDER)
    granted = _authority_of(user, authority)
    if granted.acting_for:
        held.add(ACTING_SUPERVISOR)
        if user.pk not in recommenders and any(
            g.delegator_id not in recommenders for g in granted.acting_for
        ):
            held.add(ACTING_SUPERVISOR_NOT_RECOMMENDER)
    if (
        assigned_to_id is not None
        and assigned_to_id != user.pk
        and any(g.delegator_id == assigned_to_id for g in granted.covering_for)
    ):
        held.add(COVERING_ANALYST)
    return frozenset(held)


_DELEGATED_BY_STATUS = {
    status: frozenset(w for t in TRANSITIONS if status in t.sources for w in t.who)
    & frozenset(DELEGATED_ROLES)
    for status in STATUSES
}


def wants_authority(user: User | AnonymousUser, reclassification: ReclassificationRequest) -> bool:
    """Whether a delegation could give `user` anything on this request now: only then are the
    user's delegations read (pages keep their query counts; a supervisor needs no acting one)."""
    roles = _DELEGATED_BY_STATUS.get(reclassification.status, frozenset())
    if roles & {ACTING_SUPERVISOR, ACTING_SUPERVISOR_NOT_RECOMMENDER} and not getattr(
        user, "is_supervisor", False
    ):
        return True
    assigned = reclassification.assigned_to_id
    return COVERING_ANALYST in roles and assigned is not None and assigned != user.pk


def _roles_on(
    user: User | AnonymousUser,
    reclassification: ReclassificationRequest,
    authority: Authority | None = None,
) -> frozenset[str]:
    if authority is None and not wants_authority(user, reclassification):
        authority = NO_AUTHORITY
    return roles_for(
        user,
        agency_id=reclassification.position.facility.agency_id,
        assigned_to_id=reclassification.assigned_to_id,
        recommended_by_id=reclassification.recommended_by_id,
        recommended_for_id=getattr(reclassification, "recommended_for_id", None),
        authority=authority,
        employee_id=reclassification.employee_id,
    )


def comment_period_over(reclassification: ReclassificationRequest, today: date) -> bool:
    """The agency's comment period has ended: `today` (a New York date) is after its due date."""
    due = reclassification.comment_due_on
    return due is not None and today > due


def check(
    user: User | AnonymousUser,
    reclassification: ReclassificationRequest,
    action: str,
    authority: Authority | None = None,
    *,
    today: date | None = None,
) -> Transition:
    """The transition for `action` on an existing request, or Refused saying why
    it cannot happen now. (`create` is checked with `roles_for` on the position's agency.)
    `today` is the New York date (the caller's clock; default: now)."""
    transition = TRANSITIONS_BY_ACTION.get(action)
    if transition is None:
        raise Refused(_("Unknown action."))
    status = reclassification.status
    if status not in transition.sources:
        raise Refused(
            _("This request is %(status)s: “%(action)s” is not possible now.")
            % {"status": STATUS_LABELS.get(status, status), "action": transition.label}
        )
    held = _roles_on(user, reclassification, authority)
    if not held.intersection(transition.who):
        if SUPERVISOR_NOT_RECOMMENDER in transition.who and held & {SUPERVISOR, ACTING_SUPERVISOR}:
            recommenders = {
                reclassification.recommended_by_id,
                getattr(reclassification, "recommended_for_id", None),
            }
            if user.pk == getattr(reclassification, "recommended_for_id", None):
                raise Refused(
                    _(
                        "This request was recommended for you by the analyst covering your "
                        "queue; another supervisor must decide it."
                    )
                )
            if user.pk in recommenders:
                raise Refused(_("You recommended this request; another supervisor must decide it."))
            raise Refused(
                _(
                    "You act for the supervisor who recommended this request; another "
                    "supervisor must decide it."
                )
            )
        raise Refused(
            _("Only the %(who)s may “%(action)s” this request.")
            % {
                "who": " / ".join(str(WHO_LABELS[w]) for w in transition.who),
                "action": transition.label,
            }
        )
    if transition.after_comment_due and not comment_period_over(
        reclassification, today or _today()
    ):
        due = reclassification.comment_due_on
        if due is None:  # the database refuses this (reclass_agency_comment_has_…_due_date)
            raise Refused(_("The agency's comment period has no end date yet."))
        raise Refused(
            _("The agency may comment until %(due)s; after that DCC may proceed without it.")
            % {"due": date_format(due, "DATE_FORMAT")}
        )
    return transition


def acting_for(
    user: User | AnonymousUser,
    reclassification: ReclassificationRequest,
    transition: Transition,
    authority: Authority | None = None,
) -> Grant | None:
    """Through which delegation `user` takes `transition` (already checked): None when they
    may take it in their own right, else the grant of the person they act for. A grant whose
    delegator recommended the request is never chosen for a decision (the two-person rule)."""
    own = _roles_on(user, reclassification, NO_AUTHORITY)
    if own.intersection(transition.who):
        return None
    granted = _authority_of(user, authority)
    held = _roles_on(user, reclassification, granted)
    recommenders = {
        reclassification.recommended_by_id,
        getattr(reclassification, "recommended_for_id", None),
    }
    for role in transition.who:
        if role not in held or role not in DELEGATED_ROLES:
            continue
        if role == COVERING_ANALYST:
            candidates = [
                g for g in granted.covering_for if g.delegator_id == reclassification.assigned_to_id
            ]
        elif role == ACTING_SUPERVISOR_NOT_RECOMMENDER:
            candidates = [g for g in granted.acting_for if g.delegator_id not in recommenders]
        else:
            candidates = list(granted.acting_for)
        if candidates:
            return min(candidates, key=lambda g: g.delegation_id)
    raise Refused(_("You may not take this action."))  # unreachable once checked


def allowed_transitions(
    user: User | AnonymousUser,
    reclassification: ReclassificationRequest,
    authority: Authority | None = None,
    *,
    today: date | None = None,
) -> list[Transition]:
    """The transitions `user` may take on the request now, in table order (its buttons)."""
    held = _roles_on(user, reclassification, authority)
    today = today or _today()
    return [
        t
        for t in TRANSITIONS
        if t.action != "create"
        and reclassification.status in t.sources
        and held.intersection(t.who)
        and (not t.after_comment_due or comment_period_over(reclassification, today))
    ]


def _today() -> date:
    return timezone.localdate()
