"""Writes to facilities' annual counts: the only code that changes counts or their status.

Every function takes the acting user, checks the same predicates as the views, locks in one
order (facility, then its counts), writes inside `transaction.atomic`, appends an
`AnnualActivityRevision`, and refreshes the facility's stored determination before commit.
"""

from classification.allocation import sfy_label
from common.errors import ConflictError, Refused
from facilities.models import current_fiscal_year

from .count_imports import (
    apply_count_import,
    discard_stale_imports,
    preview_count_import,
)
from .counts import (
    REVIEW_TRANSITIONS,
    accept_counts,
    allowed_review_actions,
    can_report_counts,
    can_review_counts,
    dispute_counts,
    refresh_determinations,
    report_counts,
)

__all__ = [
    "REVIEW_TRANSITIONS",
    "ConflictError",
    "Refused",
    "accept_counts",
    "allowed_review_actions",
    "apply_count_import",
    "can_report_counts",
    "can_review_counts",
    "current_fiscal_year",
    "discard_stale_imports",
    "dispute_counts",
    "preview_count_import",
    "refresh_determinations",
    "report_counts",
    "sfy_label",
]
