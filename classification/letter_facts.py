"""What a decision letter says of the facts and the standard: the standard's words quoted with
the place they come from, and the facts of the facility and its supervision that the decision
rests on (`classification.letters` puts them in the letter)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from classification.standard import (
    CLAUSES,
    DC_CLAUSE_FOR_TITLE,
    FACILITY_TYPES,
    STANDARD_ID,
)
from facilities.models import Facility, fiscal_year_label

from .selectors import counts_as_of

if TYPE_CHECKING:
    from .models import ReclassificationRequest, Title


@dataclass(frozen=True, slots=True)
class Quotation:
    """The standard's own words, the sentence that leads into them and where they are from."""

    lead: str
    text: str
    source: str


def outcome_title(r: ReclassificationRequest) -> Title:
    """The title the decision speaks of: the approved (recommended) title on an approval,
    the proposed one on a denial."""
    return r.outcome_title


def _standard_name(r: ReclassificationRequest) -> str:
    code, _sep, dated = (r.standard_id or STANDARD_ID).partition(", ")
    return _(
        "Classification Standard, Health Information Management series "
        "(occ. code %(code)s, %(date)s)"
    ) % {"code": code, "date": dated}


def _quote_title(r: ReclassificationRequest, t: Title, lead: str) -> Quotation | None:
    clause = CLAUSES.get(DC_CLAUSE_FOR_TITLE.get(t.code, ""))
    if clause is None:
        return None
    return Quotation(lead=lead, text=clause.text, source=f"{_standard_name(r)}, {clause.heading}")


def _quotations(r: ReclassificationRequest) -> tuple[Quotation, ...]:
    """An approval quotes the approved title's Distinguishing Characteristics; a denial
    quotes the current title's, which it rests on, then the proposed title's."""
    if r.status == "approved":
        t = outcome_title(r)
        wanted = [(t, _("The standard describes the distinguishing characteristics of %(title)s:"))]
    else:
        wanted = [
            (
                r.current_title,
                _(
                    "The decision rests on the distinguishing characteristics the standard "
                    "gives the position's current title, %(title)s:"
                ),
            ),
            (
                r.proposed_title,
                _("For comparison, the standard describes the proposed title, %(title)s:"),
            ),
        ]
    quotations = (_quote_title(r, t, lead % {"title": t.name}) for t, lead in wanted)
    return tuple(q for q in quotations if q is not None)


def _supervision_fact(r: ReclassificationRequest) -> str:
    staff = [
        ngettext(
            "%(n)s Health Information Management Technician 1",
            "%(n)s Health Information Management Technicians 1",
            r.technicians_1_supervised,
        )
        % {"n": r.technicians_1_supervised}
        if r.technicians_1_supervised
        else "",
        ngettext(
            "%(n)s Health Information Management Technician 2",
            "%(n)s Health Information Management Technicians 2",
            r.technicians_2_supervised,
        )
        % {"n": r.technicians_2_supervised}
        if r.technicians_2_supervised
        else "",
        ngettext(
            "%(n)s clerical support staff member",
            "%(n)s clerical support staff members",
            r.clerical_supervised,
        )
        % {"n": r.clerical_supervised}
        if r.clerical_supervised
        else "",
    ]
    staff = [s for s in staff if s]
    if not staff:
        return _(
            "The request states that the position supervises no Health Information "
            "Management Technicians and no clerical support staff."
        )
    listed = (
        staff[0]
        if len(staff) == 1
        else _("%(some)s and %(last)s")
        % {
            "some": ", ".join(staff[:-1]),
            "last": staff[-1],
        }
    )
    return _("The request states that the position supervises %(staff)s.") % {"staff": listed}


def _ddsoo_fact(r: ReclassificationRequest, facility: Facility) -> str:
    kind = _(
        "%(facility)s is a Developmental Disabilities State Operations Office; the standard "
        "sets the level of its health information management program by its annual counts."
    ) % {"facility": facility.name}
    moment = r.recommended_at or r.submitted_at or timezone.now()
    counts = counts_as_of(facility, r.counts_fiscal_year, moment) if r.counts_fiscal_year else None
    if counts is None or r.warranted_title is None:
        return " ".join(
            (kind, _("No accepted counts were on record, so the Division decided the level."))
        )
    sentences = [
        kind,
        _(
            "For %(year)s the Division accepted counts of %(individuals)s individuals served "
            "and %(activities)s health records activities; at those counts the standard places "
            "the program at the level of %(title)s."
        )
        % {
            # "SFY 2025-26" is one label: never broken across lines.
            "year": fiscal_year_label(counts.fiscal_year).replace(" ", "\u00a0"),
            "individuals": f"{counts.individuals_served:,}",
            "activities": f"{counts.records_activities:,}",
            "title": r.warranted_title.name,
        },
    ]
    if r.determination_needs_review:
        sentences.append(
            _(
                "The standard's words do not settle the level at exactly these counts, so the "
                "Division reviewed it."
            )
        )
    return " ".join(sentences)


def _facility_fact(r: ReclassificationRequest) -> str | None:
    """The level the facility's program warrants, in plain words, when an Administrator title
    is in question (the standard sets those by the facility); None otherwise."""
    titles = (r.current_title, r.proposed_title, outcome_title(r))
    if all(t.short_name.startswith("Technician") for t in titles):
        return None
    facility = r.position.facility
    if facility.facility_type == "ddsoo":
        return _ddsoo_fact(r, facility)
    if r.warranted_title is None:
        return _(
            "The standard names no Administrator level for a facility such as %(facility)s, "
            "so the Division decided the level."
        ) % {"facility": facility.name}
    return _(
        "%(facility)s is a %(type)s. The standard sets the level of such a facility's health "
        "information management program by its type: %(title)s."
    ) % {
        "facility": facility.name,
        "type": FACILITY_TYPES.get(facility.facility_type, ""),
        "title": r.warranted_title.name,
    }


def _facts(r: ReclassificationRequest) -> tuple[str, ...]:
    facility = _facility_fact(r)
    # An employee's own request (form CC-2E) states no supervision counts: saying it states
    # none supervised would put words in it (decision 0015).
    supervision = () if r.filed_by_employee else (_supervision_fact(r),)
    return (*supervision, *([facility] if facility else []))


def _rationale(r: ReclassificationRequest) -> str:
    """The analyst's reasons, when the decision follows the recommendation (a supervisor who
    decides the other way gives the reasons in the decision note)."""
    agrees = (r.recommendation == "approve") == (r.status == "approved")
    return r.recommendation_rationale.strip() if r.recommendation and agrees else ""
