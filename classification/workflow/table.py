"""The states, the roles and the one table of transitions (source states, target, who may)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

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
