"""Permission-aware reads for positions and reclassification requests.

Every queryset a user sees starts here: Agency HR sees its own agency's objects only, DCC staff
see everything, anyone else sees nothing."""

from .appeals import (
    appeal_queue,
    appeals_visible_to,
)
from .determinations import (
    Determination,
    LatestCounts,
    SupervisionCheck,
    counts_as_of,
    determination_for_facility,
    latest_accepted_counts,
    latest_counts_of,
    supervision_checks,
)
from .positions import (
    ADMINISTRATOR_CODES,
    RequestPageFacts,
    TitleOnFacts,
    chief_of,
    chief_position,
    chiefs_on,
    latest_title_change_on,
    pending_title_change,
    positions_for_facility,
    positions_visible_to,
    title_for_display,
    title_in_effect,
    title_on,
)
from .queue import (
    COUNT_ROWS,
    my_work,
    queue_tabs,
    reclassification_queue,
    saved_filters_for,
    tab_counts,
)
from .request_page import request_for_page
from .requests import (
    EMPLOYEE_VISIBLE_MESSAGES,
    INTERNAL_MESSAGES,
    attachments_visible_to,
    event_message_visible,
    hidden_event_messages,
    outcome_title_seen_by,
    reclassifications_visible_to,
    recommendation_visible_to,
    with_request_page_facts,
    with_turnaround,
)

__all__ = [
    "ADMINISTRATOR_CODES",
    "COUNT_ROWS",
    "EMPLOYEE_VISIBLE_MESSAGES",
    "INTERNAL_MESSAGES",
    "Determination",
    "LatestCounts",
    "RequestPageFacts",
    "SupervisionCheck",
    "TitleOnFacts",
    "appeal_queue",
    "appeals_visible_to",
    "attachments_visible_to",
    "chief_of",
    "chief_position",
    "chiefs_on",
    "counts_as_of",
    "determination_for_facility",
    "event_message_visible",
    "hidden_event_messages",
    "latest_accepted_counts",
    "latest_counts_of",
    "latest_title_change_on",
    "my_work",
    "outcome_title_seen_by",
    "pending_title_change",
    "positions_for_facility",
    "positions_visible_to",
    "queue_tabs",
    "reclassification_queue",
    "reclassifications_visible_to",
    "recommendation_visible_to",
    "request_for_page",
    "saved_filters_for",
    "supervision_checks",
    "tab_counts",
    "title_for_display",
    "title_in_effect",
    "title_on",
    "with_request_page_facts",
    "with_turnaround",
]
