"""Every write to people, credentials, verifications and experience spells.

Each function checks the actor's permission itself (the view asks too) on the row it has
locked, so a person moved to another agency since the page was read is refused; it
validates with `full_clean()` and writes inside one transaction. A person's credential or
spell is locked with the person (one statement, as `record_verification` does).

The rooms: `people` (people, and the person's lock and permission check the others take),
`credentials`, `verifications` (and the bulk "verification requested" marker),
`experience`. Callers use `candidates.services.<verb>`; what is re-exported here is that
surface.
"""

from common.errors import ConflictError, Refused

from .credentials import add_credential, edit_credential
from .experience import add_experience_spell, edit_experience_spell, remove_experience_spell
from .people import add_person, edit_person
from .verifications import ReverificationRequested, record_verification, request_reverification

__all__ = [
    "ConflictError",
    "Refused",
    "ReverificationRequested",
    "add_credential",
    "add_experience_spell",
    "add_person",
    "edit_credential",
    "edit_experience_spell",
    "edit_person",
    "record_verification",
    "remove_experience_spell",
    "request_reverification",
]
