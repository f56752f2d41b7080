"""The decision letter: a State letter on the Department's letterhead, rendered to PDF by
WeasyPrint.

`decision_letter` builds what the letter says from the request's record, one short function
per part of the letter; the template (`classification/decision_letter.html`) only lays it out.
What a person reads names no internal identifier, clause anchor, hash or setting: the
standard's words are quoted with the place they come from.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from classification.standard import (
    CLAUSES,
    DC_CLAUSE_FOR_TITLE,
    FACILITY_TYPES,
    STANDARD_ID,
)
from facilities.models import fiscal_year_label

from . import appeal_workflow
from .selectors import counts_as_of

if TYPE_CHECKING:
    from facilities.models import Facility, User

    from .models import ReclassificationRequest, Title

# Civil Service Law §120: an appeal reaches the Civil Service Commission within 60 days of
# the written notice (DOMAIN.md, "Reclassification requests").
APPEAL_DAYS = appeal_workflow.APPEAL_DAYS
LETTER_DATE_FORMAT = "F j, Y"  # "January 5, 2026", as State letters write dates


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The sender's block at the top of every decision letter."""

    department: str
    division: str
    address: str
    contact: str
    commission_address: str


def letterhead() -> Letterhead:
    """The Department of Civil Service's letterhead and the Commission's filing address."""
    return Letterhead(
        department=_("Department of Civil Service"),
        division=_("Division of Classification & Compensation"),
        address=_("Empire State Plaza, Agency Building 1, Albany, New York 12239"),
        contact=_("(518) 457-2487 · www.cs.ny.gov"),
        commission_address=_(
            "Civil Service Commission, Empire State Plaza, Agency Building 1, Albany, NY 12239"
        ),
    )


@dataclass(frozen=True, slots=True)
class Quotation:
    """The standard's own words, the sentence that leads into them and where they are from."""

    lead: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class DecisionLetter:
    """Everything the letter says, in the order it says it."""

    approved: bool
    date: date
    addressee: tuple[str, ...]
    attention: str
    salutation: str
    reference: tuple[str, ...]
    decision: tuple[str, ...]
    quotations: tuple[Quotation, ...]
    facts: tuple[str, ...]
    rationale: str
    note: str
    questions: str
    appeal_by: datetime.date | None  # `date` is the field above here
    signer: tuple[str, ...]
    copies: tuple[str, ...]
    running_head: str


def long_date(d: date) -> str:
    """'January 5, 2026'."""
    return dateformat.format(d, LETTER_DATE_FORMAT)


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _titled(t: Title) -> str:
    return _("%(title)s, grade %(grade)s") % {"title": t.name, "grade": t.grade}


def outcome_title(r: ReclassificationRequest) -> Title:
    """The title the decision speaks of: the approved (recommended) title on an approval,
    the proposed one on a denial."""
    return r.outcome_title


def letter_date(r: ReclassificationRequest) -> date:
    """The New York date of the decision (today for a letter drawn before one is made)."""
    return timezone.localdate(r.decided_at) if r.decided_at else timezone.localdate()


def appeal_deadline(written_on: date) -> date:
    """The last day of the appeal period, counted from the letter's date."""
    return written_on + timedelta(days=APPEAL_DAYS)


def _addressee(r: ReclassificationRequest) -> tuple[str, ...]:
    agency = r.position.facility.agency
    office = agency.personnel_office or _("Personnel Office")
    address = [line.strip() for line in agency.personnel_address.splitlines() if line.strip()]
    return (office, agency.name, *address)


def _attention(r: ReclassificationRequest) -> str:
    return r.contact_name.strip() or _name(r.created_by)


def _reference(r: ReclassificationRequest) -> tuple[str, ...]:
    position = r.position
    lines = [
        _("Position item %(item)s, %(facility)s")
        % {"item": position.item_number, "facility": position.facility.name},
        _("Reclassification from %(current)s to %(proposed)s")
        % {"current": _titled(r.current_title), "proposed": _titled(r.proposed_title)},
    ]
    decided = outcome_title(r)
    if r.status == "approved" and decided.pk != r.proposed_title_id:
        lines.append(_("Approved as %(title)s") % {"title": _titled(decided)})
    return tuple(lines)


def _decision(r: ReclassificationRequest) -> tuple[str, ...]:
    """One sentence with the decision and when it takes effect; on an approval as another
    title, a second sentence says so."""
    item = r.position.item_number
    facility = r.position.facility.name
    if r.status != "approved":
        return (
            _(
                "Your request to reclassify position item %(item)s at %(facility)s from "
                "%(current)s, to %(proposed)s, is denied; the position remains "
                "%(current_name)s."
            )
            % {
                "item": item,
                "facility": facility,
                "current": _titled(r.current_title),
                "proposed": _titled(r.proposed_title),
                "current_name": r.current_title.name,
            },
        )
    decided = outcome_title(r)
    sentences = [
        _(
            "Your request is approved: position item %(item)s at %(facility)s is reclassified "
            "from %(current)s, to %(decided)s, effective %(effective)s."
        )
        % {
            "item": item,
            "facility": facility,
            "current": _titled(r.current_title),
            "decided": _titled(decided),
            "effective": long_date(r.decision_effective_date or letter_date(r)),
        }
    ]
    if decided.pk != r.proposed_title_id:
        sentences.append(
            _(
                "You proposed %(proposed)s; for the reasons below the Division approves "
                "%(decided)s instead."
            )
            % {"proposed": r.proposed_title.name, "decided": decided.name}
        )
    return tuple(sentences)


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


def _questions(r: ReclassificationRequest) -> str:
    analyst = r.recommended_by or r.assigned_to
    if analyst is None or not analyst.email:
        return _(
            "If you have questions about this decision, please write to the Division at the "
            "address above."
        )
    return _("If you have questions about this decision, please contact %(name)s at %(email)s.") % {
        "name": _name(analyst),
        "email": analyst.email,
    }


def _signer(r: ReclassificationRequest) -> tuple[str, ...]:
    division = letterhead().division
    lines = [_name(r.decided_by)]
    title = r.decided_by.job_title.strip() if r.decided_by else ""
    if title:
        lines.append(title)
    principal = r.decided_for  # an acting supervisor signs for the supervisor on leave
    if principal is not None:
        their_title = principal.job_title.strip()
        lines.append(
            _("Acting for %(name)s, %(title)s") % {"name": _name(principal), "title": their_title}
            if their_title
            else _("Acting for %(name)s") % {"name": _name(principal)}
        )
        title = f"{title} {their_title}"
    if division not in title:
        lines.append(division)
    return tuple(line for line in lines if line)


def _copies(r: ReclassificationRequest) -> tuple[str, ...]:
    copies = [_("Facility Director, %(facility)s") % {"facility": r.position.facility.name}]
    analyst = r.recommended_by
    if analyst is not None:
        title = analyst.job_title.strip()
        copies.append(f"{_name(analyst)}, {title}" if title else _name(analyst))
    return tuple(copies)


def _appeal_by(r: ReclassificationRequest, written_on: date) -> date | None:
    """A denial may be appealed, and so may an approval as another title than proposed."""
    if r.status != "approved" or outcome_title(r).pk != r.proposed_title_id:
        return appeal_deadline(written_on)
    return None


def decision_letter(r: ReclassificationRequest) -> DecisionLetter:
    """What the letter on a decided request says."""
    written_on = letter_date(r)
    agency = r.position.facility.agency
    attention = _attention(r)
    return DecisionLetter(
        approved=r.status == "approved",
        date=written_on,
        addressee=_addressee(r),
        attention=attention,
        salutation=_("Dear %(name)s:") % {"name": attention}
        if attention
        else _("Dear Personnel Officer:"),
        reference=_reference(r),
        decision=_decision(r),
        quotations=_quotations(r),
        facts=_facts(r),
        rationale=_rationale(r),
        note=(r.decision_note or "").strip(),
        questions=_questions(r),
        appeal_by=_appeal_by(r, written_on),
        signer=_signer(r),
        copies=_copies(r),
        running_head=" · ".join(
            (
                agency.name,
                _("Position item %(item)s") % {"item": r.position.item_number},
                long_date(written_on),
            )
        ),
    )


def letter_html(reclassification: ReclassificationRequest) -> str:
    """The letter as HTML (what WeasyPrint lays out)."""
    return render_to_string(
        "classification/decision_letter.html",
        {
            "letter": decision_letter(reclassification),
            "head": letterhead(),
            "standard_name": _standard_name(reclassification),
        },
    )


def render_decision_letter(reclassification: ReclassificationRequest) -> bytes:
    """The decision letter as PDF bytes (WeasyPrint)."""
    from weasyprint import HTML  # heavy import: only when a letter is made

    return HTML(string=letter_html(reclassification)).write_pdf()
