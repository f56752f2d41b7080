"""The classification app's tables, one module per thing they hold: `positions` (titles,
positions, their effective-dated title history and each position's latest change), `requests`
(a request and its duties), `records` (its duty lines, events, delegated acts, status spells and
attachments), `outbox` (queued email), `saved_filters`, `appeals`, `tallies` (requests counted
by agency and status, kept by triggers), `chiefs` (each facility's chief position, kept by
triggers), and `files` (where uploaded files are stored)."""

from common.audit import AppendOnlyError

from .appeals import (
    Appeal,
    AppealAttachment,
    AppealEvent,
)
from .chiefs import (
    FacilityChief,
)
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
    LatestTitleChange,
    Position,
    PositionTitleChange,
    Title,
)
from .records import (
    DRAFT_TEXT_MAX_LENGTHS,
    DUTY_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    Attachment,
    DelegatedAct,
    DutyLine,
    ReclassificationEvent,
    StatusSpell,
    message_too_long,
)
from .requests import (
    ReclassificationRequest,
)
from .saved_filters import (
    SavedFilter,
)
from .tallies import (
    RequestTally,
    SpellTally,
)

__all__ = [
    "DRAFT_TEXT_MAX_LENGTHS",
    "DUTY_MAX_LENGTH",
    "MESSAGE_MAX_LENGTH",
    "Appeal",
    "AppealAttachment",
    "AppealEvent",
    "AppendOnlyError",
    "Attachment",
    "DelegatedAct",
    "DutyLine",
    "EmailLog",
    "FacilityChief",
    "LatestTitleChange",
    "Position",
    "PositionTitleChange",
    "ReclassificationEvent",
    "ReclassificationRequest",
    "RequestTally",
    "SavedFilter",
    "SpellTally",
    "StatusSpell",
    "Title",
    "message_too_long",
    "private_storage",
    "random_attachment_name",
    "random_letter_name",
    "random_packet_name",
]
