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

WHO_LABELS = {
    AGENCY_HR: _("Agency HR"),
    EMPLOYEE_AGENCY_HR: _("employee's agency HR"),
    EMPLOYEE: _("employee who filed it"),
    ANALYST: _("analyst (self)"),
    ASSIGNED_ANALYST: _("assigned analyst"),
    SUPERVISOR: _("supervisor"),
    SUPERVISOR_NOT_RECOMMENDER: _("supervisor, not the recommender"),
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
        (ASSIGNED_ANALYST, SUPERVISOR),
        _("Return to queue"),
        message_label=_("Note (optional)"),
        style="secondary",
    ),
    Transition(
        "request_information",
        (IN_REVIEW,),
        INFO_REQUESTED,
        (ASSIGNED_ANALYST,),
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
        (ASSIGNED_ANALYST,),
        _("Recommend"),
        message_label=_("Rationale"),
        message_required=True,
    ),
    Transition(
        "approve",
        (RECOMMENDED,),
        APPROVED,
        (SUPERVISOR_NOT_RECOMMENDER,),
        _("Approve"),
        message_label=_("Note for the letter (optional)"),
        style="success",
    ),
    Transition(
        "deny",
        (RECOMMENDED,),
        DENIED,
        (SUPERVISOR_NOT_RECOMMENDER,),
        _("Deny"),
        message_label=_("Reason"),
        message_required=True,
        style="danger",
    ),
    Transition(
        "return_to_analyst",
        (RECOMMENDED,),
        IN_REVIEW,
        (SUPERVISOR,),
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


def roles_for(
    user: Any,
    *,
    agency_id: int | None,
    assigned_to_id: int | None,
    recommended_by_id: int | None,
    employee_id: int | None = None,
) -> frozenset[str]:
    """The workflow roles `user` holds towards one request (or a new one of `agency_id`).

    `employee_id` is the employee who filed the request (form CC-2E), None when the agency
    filed it; for a new request, the user's own id when the user holds the position. On an
    employee's request the agency's HR only comments: it holds EMPLOYEE_AGENCY_HR, never
    AGENCY_HR, so it cannot submit, withdraw or answer for the employee."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    held = set()
    if user.is_agency_hr and agency_id is not None and user.agency_id == agency_id:
        held.add(AGENCY_HR if employee_id is None else EMPLOYEE_AGENCY_HR)
    if employee_id is not None and user.is_employee and user.pk == employee_id:
        held.add(EMPLOYEE)
    if user.is_analyst:
        held.add(ANALYST)
        if assigned_to_id is not None and assigned_to_id == user.pk:
            held.add(ASSIGNED_ANALYST)
    if user.is_supervisor:
        held.add(SUPERVISOR)
        if recommended_by_id != user.pk:
            held.add(SUPERVISOR_NOT_RECOMMENDER)
    return frozenset(held)


def _roles_on(user: Any, reclassification: Any) -> frozenset[str]:
    return roles_for(
        user,
        agency_id=reclassification.position.facility.agency_id,
        assigned_to_id=reclassification.assigned_to_id,
        recommended_by_id=reclassification.recommended_by_id,
        employee_id=reclassification.employee_id,
    )


def comment_period_over(reclassification: Any, today: date) -> bool:
    """The agency's comment period has ended: `today` (a New York date) is after its due date."""
    due = reclassification.comment_due_on
    return due is not None and today > due


def check(
    user: Any, reclassification: Any, action: str, *, today: date | None = None
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
    held = _roles_on(user, reclassification)
    if not held.intersection(transition.who):
        if transition.who == (SUPERVISOR_NOT_RECOMMENDER,) and SUPERVISOR in held:
            raise Refused(_("You recommended this request; another supervisor must decide it."))
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


def allowed_transitions(
    user: Any, reclassification: Any, *, today: date | None = None
) -> list[Transition]:
    """The transitions `user` may take on the request now, in table order (its buttons)."""
    held = _roles_on(user, reclassification)
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
