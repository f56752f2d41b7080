"""The reclassification workflow as one declarative table (DOMAIN.md, "Reclassification requests").

The service guards, the action buttons on a request's page and the parametrised tests all read
`TRANSITIONS`; nothing else decides who may move a request where. Pure Python: it looks only at
attributes already loaded (status, agency, assignee, recommender) and the user's roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from common.errors import Refused
from facilities.authority import NO_AUTHORITY, Authority, Grant

NEW = "new"  # the state before a request exists (only `create` starts there)
DRAFT = "draft"
# An employee's own request (form CC-2E) waits here for its agency's comment (decision 0015).
AGENCY_COMMENT = "agency_comment"
SUBMITTED = "submitted"
IN_REVIEW = "in_review"
INFO_REQUESTED = "info_requested"
RECOMMENDED = "recommended"
APPROVED = "approved"
DENIED = "denied"
WITHDRAWN = "withdrawn"

STATUS_LABELS = {
    DRAFT: _("Draft"),
    AGENCY_COMMENT: _("With the agency for comment"),
    SUBMITTED: _("Submitted"),
    IN_REVIEW: _("In review"),
    INFO_REQUESTED: _("Information requested"),
    RECOMMENDED: _("Recommended"),
    APPROVED: _("Approved"),
    DENIED: _("Denied"),
    WITHDRAWN: _("Withdrawn"),
}
STATUSES = tuple(STATUS_LABELS)
# A position has at most one request in these states (a database constraint says so too).
OPEN_STATUSES = (DRAFT, AGENCY_COMMENT, SUBMITTED, IN_REVIEW, INFO_REQUESTED, RECOMMENDED)
DECIDED_STATUSES = (APPROVED, DENIED)
CLOSED_STATUSES = (APPROVED, DENIED, WITHDRAWN)

# Who may act, relative to one request.
AGENCY_HR = "agency_hr"  # Agency HR of the request's agency (on a request the agency filed)
# Agency HR of the request's agency on a request an employee filed: it comments, no more.
EMPLOYEE_AGENCY_HR = "employee_agency_hr"
EMPLOYEE = "employee"  # the employee who filed the request (for a new one: holds the position)
ANALYST = "analyst"  # any DCC analyst or supervisor (taking a request for oneself)
ASSIGNED_ANALYST = "assigned_analyst"  # the DCC user the request is assigned to
SUPERVISOR = "supervisor"
SUPERVISOR_NOT_RECOMMENDER = "supervisor_not_recommender"  # the two-person rule
# Held through a delegation in effect today (docs/decisions/0018-delegation.md): the user acts
# for someone else, and the event records "for <delegator>, by <delegate>".
ACTING_SUPERVISOR = "acting_supervisor"  # named acting supervisor by a supervisor
ACTING_SUPERVISOR_NOT_RECOMMENDER = "acting_supervisor_not_recommender"  # ... two-person rule
COVERING_ANALYST = "covering_analyst"  # covers the queue of the request's assigned analyst

WHO_LABELS = {
    AGENCY_HR: _("Agency HR"),
    EMPLOYEE_AGENCY_HR: _("employee's agency HR"),
    EMPLOYEE: _("employee who filed it"),
    ANALYST: _("analyst (self)"),
    ASSIGNED_ANALYST: _("assigned analyst"),
    SUPERVISOR: _("supervisor"),
    SUPERVISOR_NOT_RECOMMENDER: _("supervisor, not the recommender"),
    ACTING_SUPERVISOR: _("acting supervisor"),
    ACTING_SUPERVISOR_NOT_RECOMMENDER: _("acting supervisor, not the recommender"),
    COVERING_ANALYST: _("analyst covering for the assigned analyst"),
}
DELEGATED_ROLES = {
    ACTING_SUPERVISOR: "acting_for",
    ACTING_SUPERVISOR_NOT_RECOMMENDER: "acting_for",
    COVERING_ANALYST: "covering_for",
}


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    who: tuple[str, ...]
    label: Any
    # What the confirmation page asks for: a message/reason, and whether it must be given.
    message_label: Any = None
    message_required: bool = False
    style: str = "primary"
    # Open only once the agency's comment period has ended (the day after `comment_due_on`).
    after_comment_due: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("create", (NEW,), DRAFT, (AGENCY_HR, EMPLOYEE), _("Create")),
    Transition("submit", (DRAFT,), SUBMITTED, (AGENCY_HR,), _("Submit to DCC")),
    # Form CC-2E: the employee files; the agency comments (or its period ends) before DCC.
    Transition("file", (DRAFT,), AGENCY_COMMENT, (EMPLOYEE,), _("File with the Division")),
    Transition(
        "comment",
        (AGENCY_COMMENT,),
        SUBMITTED,
        (EMPLOYEE_AGENCY_HR,),
        _("Comment"),
        message_label=_("The agency's comment"),
        message_required=True,
    ),
    Transition(
        "proceed_without_comment",
        (AGENCY_COMMENT,),
        SUBMITTED,
        (ANALYST,),
        _("Proceed without the agency's comment"),
        message_label=_("Note (optional)"),
        style="secondary",
        after_comment_due=True,
    ),
    Transition("take", (SUBMITTED,), IN_REVIEW, (ANALYST,), _("Take")),
    # DOMAIN.md's People table lets a supervisor "assign/reassign": assign also works in review.
    Transition("assign", (SUBMITTED, IN_REVIEW), IN_REVIEW, (SUPERVISOR,), _("Assign")),
    Transition(
        "return_to_queue",
        (IN_REVIEW,),
        SUBMITTED,
        (ASSIGNED_ANALYST, SUPERVISOR, COVERING_ANALYST),
        _("Return to queue"),
        message_label=_("Note (optional)"),
        style="secondary",
    ),
    Transition(
        "request_information",
        (IN_REVIEW,),
        INFO_REQUESTED,
        (ASSIGNED_ANALYST, COVERING_ANALYST),
        _("Request information"),
        message_label=_("What the agency should send"),
        message_required=True,
    ),
    Transition(
        "respond",
        (INFO_REQUESTED,),
        IN_REVIEW,
        (AGENCY_HR, EMPLOYEE),
        _("Respond"),
        message_label=_("Response to DCC"),
        message_required=True,
    ),
    Transition(
        "recommend",
        (IN_REVIEW,),
        RECOMMENDED,
        (ASSIGNED_ANALYST, COVERING_ANALYST),
        _("Recommend"),
        message_label=_("Rationale"),
        message_required=True,
    ),
    Transition(
        "approve",
        (RECOMMENDED,),
        APPROVED,
        (SUPERVISOR_NOT_RECOMMENDER, ACTING_SUPERVISOR_NOT_RECOMMENDER),
        _("Approve"),
        message_label=_("Note for the letter (optional)"),
        style="success",
    ),
    Transition(
        "deny",
        (RECOMMENDED,),
        DENIED,
        (SUPERVISOR_NOT_RECOMMENDER, ACTING_SUPERVISOR_NOT_RECOMMENDER),
        _("Deny"),
        message_label=_("Reason"),
        message_required=True,
        style="danger",
    ),
    Transition(
        "return_to_analyst",
        (RECOMMENDED,),
        IN_REVIEW,
        (SUPERVISOR, ACTING_SUPERVISOR),
        _("Return to analyst"),
        message_label=_("Reason"),
        message_required=True,
        style="secondary",
    ),
    Transition(
        "withdraw",
        (DRAFT, AGENCY_COMMENT, SUBMITTED, IN_REVIEW, INFO_REQUESTED),
        WITHDRAWN,
        (AGENCY_HR, EMPLOYEE),
        _("Withdraw"),
        message_label=_("Reason"),
        message_required=True,
        style="outline-danger",
    ),
)
TRANSITIONS_BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
ACTIONS = tuple(TRANSITIONS_BY_ACTION)


def _authority_of(user: Any, authority: Authority | None) -> Authority:
    if authority is not None:
        return authority
    # The user's delegations in effect today, read once per request (facilities.User).
    return getattr(user, "authority", None) or NO_AUTHORITY


def roles_for(
    user: Any,
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


def wants_authority(user: Any, reclassification: Any) -> bool:
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
    user: Any, reclassification: Any, authority: Authority | None = None
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


def comment_period_over(reclassification: Any, today: date) -> bool:
    """The agency's comment period has ended: `today` (a New York date) is after its due date."""
    due = reclassification.comment_due_on
    return due is not None and today > due


def check(
    user: Any,
    reclassification: Any,
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
        raise Refused(
            _("The agency may comment until %(due)s; after that DCC may proceed without it.")
            % {"due": date_format(reclassification.comment_due_on, "DATE_FORMAT")}
        )
    return transition


def acting_for(
    user: Any, reclassification: Any, transition: Transition, authority: Authority | None = None
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
    user: Any,
    reclassification: Any,
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
