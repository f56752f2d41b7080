"""The classification app's tables, one module per thing they hold: `positions` (titles,
positions and their effective-dated title history), `requests` (a request and its duties),
`records` (its duty lines, events, delegated acts, status spells and attachments), `outbox` (queued
email), `saved_filters`, `appeals`, `counts` (requests by status, kept by triggers), and
`files` (where uploaded files are stored)."""

from common.audit import AppendOnlyError

from .appeals import (
    Appeal,
    AppealAttachment,
    AppealEvent,
)
from .counts import StatusCount
from .files import (
    private_storage,
    random_attachment_name,
    random_letter_name,
    random_packet_name,
)
from .outbox import (
    EmailLog,
)
from .positions import (
    Position,
    PositionTitleChange,
    Title,
)
from .records import (
    Attachment,
    DelegatedAct,
    DutyLine,
    ReclassificationEvent,
    StatusSpell,
)
from .requests import (
    ReclassificationRequest,
)
from .saved_filters import (
    SavedFilter,
)

__all__ = [
    "Appeal",
    "AppealAttachment",
    "AppealEvent",
    "AppendOnlyError",
    "Attachment",
    "DelegatedAct",
    "DutyLine",
    "EmailLog",
    "Position",
    "PositionTitleChange",
    "ReclassificationEvent",
    "ReclassificationRequest",
    "SavedFilter",
    "StatusCount",
    "StatusSpell",
    "Title",
    "private_storage",
    "random_attachment_name",
    "random_letter_name",
    "random_packet_name",
]
