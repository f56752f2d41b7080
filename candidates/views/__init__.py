"""Pages of the candidates app, one module per area: `people` (the list and a person's page),
`records` (credentials and experience spells) and `verifications`."""

from .people import (
    PersonCreateView,
    PersonDetailView,
    PersonListView,
    PersonPrintView,
    PersonUpdateView,
)
from .records import (
    CredentialCreateView,
    CredentialUpdateView,
    SpellCreateView,
    SpellDeleteView,
    SpellUpdateView,
)
from .verifications import (
    ReverificationView,
    VerificationCreateView,
    VerificationEvidenceView,
)

__all__ = [
    "CredentialCreateView",
    "CredentialUpdateView",
    "PersonCreateView",
    "PersonDetailView",
    "PersonListView",
    "PersonPrintView",
    "PersonUpdateView",
    "ReverificationView",
    "SpellCreateView",
    "SpellDeleteView",
    "SpellUpdateView",
    "VerificationCreateView",
    "VerificationEvidenceView",
]
