"""The request page's analysis: does the title asked for fit the position, and why.

Each request asks one question, so the analysis answers that one: for a Technician 2 the
supervision the standard's Technician 2 distinction turns on (who reports to the position,
what the request says it supervises); for an Administrator the level the standard warrants
for the facility (the allocation rules' reasons, counts year included). A plain verdict comes
first, then the reasons. Nothing is decided here: the verdict reads the position-level checks
(`selectors.supervision_checks`, DOMAIN.md) and the allocation (`allocate()`'s reasons).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from classification.standard import (
    ADMINISTRATOR_1,
    CLAUSES,
    DC_CLAUSE_FOR_TITLE,
    TECHNICIAN_1,
    TECHNICIAN_2,
)

from . import selectors
from .models import Position, ReclassificationRequest, Title
from .selectors import ADMINISTRATOR_CODES, Determination, SupervisionCheck

FITS = "fits"
DOES_NOT_FIT = "does_not_fit"
ANALYST_DECIDES = "analyst_decides"


@dataclass(frozen=True)
class Analysis:
    """The answer to a request's question: a verdict, then its reasons and the facts used."""

    kind: str  # "supervision" (Technician 2), "level" (Administrator), "none"
    outcome: str  # FITS, DOES_NOT_FIT or ANALYST_DECIDES
    verdict: str
    reasons: tuple[str, ...]
    facts: tuple[str, ...] = ()
    checks: tuple[SupervisionCheck, ...] = ()
    determination: Determination | None = None
    clause_anchor: str = ""
    clause_heading: str = ""
    clause_text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def analyse_reclassification(
    r: ReclassificationRequest,
    *,
    determination: Determination,
    chief: Position | None,
    title: Title | None = None,
) -> Analysis:
    """The analysis of request `r` for `title` (default: the recommended title, else the
    proposed one; the page passes the proposed one to whoever may not see the recommendation).

    `determination` and `chief` are the facility's, as the request page loads them."""
    title = title or r.recommended_title or r.proposed_title
    anchor = DC_CLAUSE_FOR_TITLE.get(title.code, "")
    clause = CLAUSES.get(anchor)
    checks = tuple(
        selectors.supervision_checks(r.position, title, determination=determination, chief=chief)
    )
    quoted: dict[str, Any] = {
        "clause_anchor": anchor,
        "clause_heading": clause.heading if clause else "",
        "clause_text": clause.text if clause else "",
    }
    facts = (
        _(
            "The request says the position supervises: Technicians 1, %(t1)s; Technicians 2, "
            "%(t2)s; clerical staff, %(c)s."
        )
        % {
            "t1": r.technicians_1_supervised,
            "t2": r.technicians_2_supervised,
            "c": r.clerical_supervised,
        },
    )
    failed = [c for c in checks if not c.ok]
    if title.code == TECHNICIAN_2:
        if failed:
            verdict = _(
                "The proposed title does not fit the position yet: no Technician 1 position "
                "reports to it, and the standard's Technician 2 supervises Technicians 1."
            )
            outcome = DOES_NOT_FIT
        else:
            verdict = _(
                "The proposed title fits the position: it supervises Technicians 1, the "
                "first supervisory level the standard gives a Technician 2."
            )
            outcome = FITS
        return Analysis(
            kind="supervision",
            outcome=outcome,
            verdict=verdict,
            reasons=tuple(c.message for c in checks),
            facts=facts,
            checks=checks,
            **quoted,
        )
    if title.code in ADMINISTRATOR_CODES:
        warranted = determination.title
        if warranted is None:
            outcome = ANALYST_DECIDES
            verdict = _(
                "The standard gives this facility no automatic level, so the analyst decides "
                "whether %(title)s fits."
            ) % {"title": title.short_name}
        elif failed and title.code == ADMINISTRATOR_1 and _another_chief(r, chief):
            # An Administrator 1 beside another chief is judged as the chief's assistant
            # (selectors.supervision_checks), whatever level the facility warrants.
            outcome = DOES_NOT_FIT
            verdict = _("The proposed title does not fit the position: %(why)s") % {
                "why": _lower_first(failed[0].message)
            }
        elif failed:
            outcome = DOES_NOT_FIT
            verdict = _(
                "The proposed title does not fit the position because the standard warrants "
                "%(warranted)s, not %(title)s, for this facility's chief HIM position."
            ) % {"warranted": warranted.short_name, "title": title.short_name}
        else:
            outcome = FITS
            verdict = _("The proposed title fits the position: %(why)s") % {
                "why": _lower_first(checks[0].message)
            }
        return Analysis(
            kind="level",
            outcome=outcome,
            verdict=verdict,
            reasons=tuple(determination.allocation.reasons),
            checks=checks,
            determination=determination,
            **quoted,
        )
    # Technician 1: the standard's full performance level; no position-level check applies.
    verdict = (
        _(
            "No automatic check applies to Technician 1, the full performance level: the "
            "analyst judges the duties statement against the standard's words."
        )
        if title.code == TECHNICIAN_1
        else _("No automatic check applies to this title.")
    )
    return Analysis(
        kind="none",
        outcome=ANALYST_DECIDES,
        verdict=verdict,
        reasons=(),
        facts=facts,
        **quoted,
    )


def _another_chief(r: ReclassificationRequest, chief: Position | None) -> bool:
    return chief is not None and chief.pk != r.position_id


def _lower_first(sentence: str) -> str:
    """A sentence continued after a colon: "No Technician 1 ..." -> "no Technician 1 ...";
    a title's name ("Administrator 2 is ...") keeps its capital."""
    first = sentence.split(" ", 1)[0]
    return sentence[:1].lower() + sentence[1:] if first in {"No", "The", "An", "A"} else sentence
