"""The registry's tables, one module per thing they hold: `agencies` (agencies, users and
their sign-in identities), `facilities` (facilities, annual counts, their revisions and
imports, fiscal years) and `delegations` (acts one person may do for another, and their events)."""

from .agencies import (
    Agency,
    OidcIdentity,
    User,
)
from .delegations import (
    DateRange,
    Delegation,
    DelegationEvent,
)
from .facilities import (
    AnnualActivity,
    AnnualActivityRevision,
    CountImport,
    Facility,
    current_fiscal_year,
    fiscal_year_label,
)

__all__ = [
    "Agency",
    "AnnualActivity",
    "AnnualActivityRevision",
    "CountImport",
    "DateRange",
    "Delegation",
    "DelegationEvent",
    "Facility",
    "OidcIdentity",
    "User",
    "current_fiscal_year",
    "fiscal_year_label",
]
