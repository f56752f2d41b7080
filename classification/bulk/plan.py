"""What the bulk seeder plans before it writes: the walks through the workflow, their mix and
their messages, and each request's planned steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from classification.workflow import (
    AGENCY_COMMENT,
    APPROVED,
    CLOSED_STATUSES,
    DENIED,
    DRAFT,
    IN_REVIEW,
    INFO_REQUESTED,
    RECOMMENDED,
    SUBMITTED,
    WITHDRAWN,
)

NEW_YORK = ZoneInfo("America/New_York")


# The shortest path from nothing to each status.
BASE_WALKS = {
    DRAFT: ["create"],
    SUBMITTED: ["create", "submit"],
    IN_REVIEW: ["create", "submit", "take"],
    INFO_REQUESTED: ["create", "submit", "take", "request_information"],
    RECOMMENDED: ["create", "submit", "take", "recommend"],
    APPROVED: ["create", "submit", "take", "recommend", "approve"],
    DENIED: ["create", "submit", "take", "recommend", "deny"],
    WITHDRAWN: ["create", "submit", "take", "withdraw"],
}


# Round trips from "in review" back to it, inserted after `take` to use up the event budget.
LOOPS = [
    ("request_information", "respond"),
    ("return_to_queue", "take"),
    ("recommend", "return_to_analyst"),
]


CLOSED_MIX = ([APPROVED, DENIED, WITHDRAWN], [0.55, 0.25, 0.20])


OPEN_MIX = ([DRAFT, SUBMITTED, IN_REVIEW, INFO_REQUESTED, RECOMMENDED], [1, 2.5, 3, 1.5, 2])


MESSAGES = {
    "request_information": "Please send the current organization chart.",
    "respond": "Organization chart attached.",
    "return_to_queue": "",
    "recommend": "The duties and the facility's counts support the proposed level.",
    "return_to_analyst": "Please address the supervision ratio in the rationale.",
    "deny": "The duties statement does not show the level of responsibility proposed.",
    "withdraw": "The agency has reorganized the unit.",
}


MESSAGES.update(
    {
        "comment": "The agency supports the request: the duties are as the employee says.",
        "proceed_without_comment": "No comment came within the period.",
    }
)


# Days an action typically waits after the one before it.
GAPS = {
    "submit": (1, 10),
    "respond": (3, 20),
    "take": (1, 12),
    "comment": (3, 28),
    "proceed_without_comment": (31, 40),
}


# The share of requests an employee files for their own position (form CC-2E).
EMPLOYEE_SHARE = 0.15


STANCES = ["support", "support", "oppose", "no_position"]


@dataclass
class PlannedRequest:
    pk: int
    position: int
    status: str
    walk: list[str]
    created: datetime
    limit: datetime  # the last moment its events may take
    events: list[tuple[str, int, datetime]] = field(default_factory=list)
    employee: int | None = None  # the employee who filed it (form CC-2E)


def _as_employee_request(plan: PlannedRequest, employee: int, rng) -> None:
    """The same request filed by an employee: `submit` becomes filing and the agency's
    comment (or DCC proceeding without it); a submitted one may still await the comment."""
    plan.employee = employee
    if plan.status == SUBMITTED and rng.random() < 0.5:
        plan.status, plan.walk = AGENCY_COMMENT, ["create", "file"]
        return
    if "submit" in plan.walk:
        cut = plan.walk.index("submit")
        after = "comment" if rng.random() < 0.8 else "proceed_without_comment"
        plan.walk[cut : cut + 1] = ["file", after]


def spells_of(events: list[dict], *, first_id: int):
    """The status spells of `events` (each request's events together and in time order, given
    ids from `first_id` up), as the services write them: every event into an open status
    starts one, which the request's next event ends."""
    for index, event in enumerate(events):
        if event["to_status"] in CLOSED_STATUSES:
            continue
        following = events[index + 1] if index + 1 < len(events) else None
        same = following and following["reclassification_id"] == event["reclassification_id"]
        yield (
            first_id + index,
            event["reclassification_id"],
            event["to_status"],
            event["at"],
            following["at"] if same and following else None,
        )


def _ny_date(moment: datetime) -> date:
    return moment.astimezone(NEW_YORK).date()
