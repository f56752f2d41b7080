"""Pages of the registry, one module per area: `access` (signing in and out, health),
`counts` (annual counts, their review and their import) and `delegations`."""

from .access import (
    AdminLoginRedirectView,
    NoAccessView,
    SignInView,
    SignOutView,
    healthz,
)
from .counts import (
    CountsFormView,
    CountsReviewView,
    ImportPreviewView,
    ImportView,
)
from .delegations import (
    PAST_DELEGATIONS_SHOWN,
    DelegationCreateView,
    DelegationEndView,
    DelegationListView,
    DelegationUpdateView,
)

__all__ = [
    "PAST_DELEGATIONS_SHOWN",
    "AdminLoginRedirectView",
    "CountsFormView",
    "CountsReviewView",
    "DelegationCreateView",
    "DelegationEndView",
    "DelegationListView",
    "DelegationUpdateView",
    "ImportPreviewView",
    "ImportView",
    "NoAccessView",
    "SignInView",
    "SignOutView",
    "healthz",
]
