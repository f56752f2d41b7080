"""Writes for positions and reclassification requests: one verb-first function per transition.

Each transition opens a transaction, locks the request row, checks the version the form was
drawn from, re-checks the workflow guard (`classification.workflow`) on the locked row, writes
the change and its event, and queues email in the outbox (sent by the background worker,
`classification.outbox`). Nothing else sets `status` (`transitions._transition`).
A transition that writes the position (approval) locks the position first, then the request:
the one lock order of docs/conventions.md.

The rooms: `positions` (positions and their effective-dated titles), `drafts` (a request
from creation to its draft edits), `transitions` (the one transition path, the event log and
the version check), `messages` (who is told what), `review` (the steps from submission to the
recommendation), `decisions` (approval, denial and the decision letter), `attachments`,
`saved_filters`. Callers use `classification.services.<verb>`; what is re-exported here is
that surface.
"""

from collections.abc import Callable

from common.errors import ConflictError, Refused

from ..models import ReclassificationRequest
from .attachments import (
    ATTACH_STATUSES,
    add_attachment,
    can_attach,
)
from .decisions import (
    LETTER_LOCK,
    approve_reclassification,
    deny_reclassification,
    letter_name,
    return_reclassification_to_analyst,
    store_decision_letter,
    store_missing_letters,
)
from .drafts import (
    DRAFT_FIELDS,
    EMPLOYEE_DRAFT_FIELDS,
    create_reclassification,
    missing_for_submission,
    update_reclassification_draft,
)
from .messages import (
    Notices,
)
from .positions import (
    apply_due_title_changes,
    apply_title_in_effect,
    create_position,
    record_title_change,
)
from .review import (
    assign_reclassification,
    comment_on_reclassification,
    file_reclassification,
    proceed_without_comment,
    recommend_reclassification,
    request_reclassification_information,
    respond_to_reclassification,
    return_analyst_reclassifications_to_queue,
    return_reclassification_to_queue,
    submit_reclassification,
    take_reclassification,
    withdraw_reclassification,
)
from .saved_filters import (
    QUERY_DROPPED,
    delete_saved_filter,
    save_queue_filter,
)
from .transitions import (
    IncompleteError,
    check_version,
    record_event,
)

__all__ = [
    "ATTACH_STATUSES",
    "DRAFT_FIELDS",
    "EMPLOYEE_DRAFT_FIELDS",
    "LETTER_LOCK",
    "QUERY_DROPPED",
    "ConflictError",
    "IncompleteError",
    "Notices",
    "Refused",
    "add_attachment",
    "apply_due_title_changes",
    "apply_title_in_effect",
    "approve_reclassification",
    "assign_reclassification",
    "can_attach",
    "check_version",
    "comment_on_reclassification",
    "create_position",
    "create_reclassification",
    "delete_saved_filter",
    "deny_reclassification",
    "file_reclassification",
    "letter_name",
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
    "store_decision_letter",
    "store_missing_letters",
    "submit_reclassification",
    "take_reclassification",
    "update_reclassification_draft",
    "withdraw_reclassification",
]


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
