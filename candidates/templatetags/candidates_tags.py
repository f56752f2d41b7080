"""Small helpers for showing evaluations (`{% load candidates_tags %}`)."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django import template

from classification.standard import title_for

from ..qualifications import Evaluation

if TYPE_CHECKING:
    from ..models import Person

register = template.Library()


@register.filter
def fte(days: Fraction | float | None) -> str:
    """FTE days to one decimal, rounded down (never claims more than was counted)."""
    if days is None:
        return "—"
    return f"{math.floor(Fraction(days) * 10) / 10:,.1f}"


@register.filter
def title_name(code: str) -> str:
    return title_for(code).name


@register.filter
def verification_problem(evaluation: Evaluation | None) -> dict[str, Any] | None:
    """What is wrong with the verification of the credential behind the evaluation, if anything.

    Returns {"kind": "never" | "stale" | "later", "credential": ..., "verified_on": ...}.
    """
    if evaluation is None or evaluation.credential is None:
        return None
    for attempt in evaluation.attempts:
        if attempt.credential == evaluation.credential and attempt.path == evaluation.path:
            if attempt.verified:
                return None
            break
    credential = evaluation.credential
    if credential.verified_on is None:
        kind = "never"
    elif credential.verified_on > evaluation.as_of:
        kind = "later"
    else:
        kind = "stale"
    return {"kind": kind, "credential": credential, "verified_on": credential.verified_on}


@register.filter
def hours(value: Decimal | float | None) -> str:
    """Hours per week without trailing zeros: 37.5, 20, 12.25."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


@register.filter
def credential_cell(person: Person, today: date) -> str:
    """The people list's credentials cell (candidates.tables.credential_badges)."""
    from ..tables import credential_badges

    return credential_badges(person.credentials.all(), today)


@register.filter
def highest_cell(person: Person, today: date) -> str:
    """The people list's highest-title cell (candidates.tables.highest_cell)."""
    from ..tables import highest_cell

    return highest_cell(person, today)
