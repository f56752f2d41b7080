"""Minimum qualifications (9/2021): does a person meet a title, as of a date, and why.

Pure rules, no Django. `evaluate` tries every path the standard offers for the title with
every credential that could serve it, and answers "qualified", "unverified" (meets the rule on
paper, but the AHIMA primary-source verification is missing or stale) or "not_qualified".
`first_qualifying_date` projects the open experience spells forward to the first date the
title is met on paper. Experience is counted in FTE days (Interpretation fte-days) by a sweep
over spell boundaries with exact Fractions, so a page can evaluate many people cheaply."""

from .evaluation import (
    REQUIREMENTS,
    Attempt,
    Evaluation,
    Requirement,
    evaluate,
)
from .facts import (
    CREDENTIAL_KINDS,
    CREDENTIAL_STATUSES,
    FULL_TIME_HOURS,
    Credential,
    Experience,
    Family,
    Outcome,
    Segment,
    fte_days,
)
from .projection import (
    Projection,
    first_qualifying_date,
)

__all__ = [
    "CREDENTIAL_KINDS",
    "CREDENTIAL_STATUSES",
    "FULL_TIME_HOURS",
    "REQUIREMENTS",
    "Attempt",
    "Credential",
    "Evaluation",
    "Experience",
    "Family",
    "Outcome",
    "Projection",
    "Requirement",
    "Segment",
    "evaluate",
    "first_qualifying_date",
    "fte_days",
]
