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

from facilities.models import User

from . import appeal_workflow

if TYPE_CHECKING:
    from .models import ReclassificationRequest, Title
from .letter_facts import Quotation, _facts, _quotations, _rationale, _standard_name, outcome_title

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
    next_step: str
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


def letter_date(r: ReclassificationRequest) -> date:
    """The New York date of the decision (today for a letter drawn before one is made)."""
    return timezone.localdate(r.decided_at) if r.decided_at else timezone.localdate()


def appeal_deadline(written_on: date) -> date:
    """The last day of the appeal period, counted from the letter's date."""
    return written_on + timedelta(days=APPEAL_DAYS)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _personnel_office(r: ReclassificationRequest) -> tuple[str, str]:
    agency = r.position.facility.agency
    return (agency.personnel_office or _("Personnel Office"), agency.name)


def _addressee(r: ReclassificationRequest) -> tuple[str, ...]:
    """The agency's personnel office; an employee's own request (form CC-2E) is answered to
    the employee, at their facility."""
    if r.employee is not None:
        facility = r.position.facility
        return (_name(r.employee), facility.name, *_lines(facility.address))
    agency = r.position.facility.agency
    return (*_personnel_office(r), *_lines(agency.personnel_address))


def _attention(r: ReclassificationRequest) -> str:
    if r.employee is not None:  # the letter is addressed to them
        return ""
    return r.contact_name.strip() or _name(r.created_by)


def _salutation(r: ReclassificationRequest, attention: str) -> str:
    name = _name(r.employee) if r.employee is not None else attention
    return _("Dear %(name)s:") % {"name": name} if name else _("Dear Personnel Officer:")


def _next_step(r: ReclassificationRequest) -> str:
    if r.status != "approved":
        return ""
    if r.employee is not None:
        return _(
            "Your agency's personnel office, which receives a copy of this letter, will process "
            "the change of your position's title as of its effective date."
        )
    return _(
        "Please process the personnel and payroll transactions for the position's new title "
        "as of its effective date."
    )


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
    copies = []
    if r.employee is not None:
        copies.append(", ".join(_personnel_office(r)))
    copies.append(_("Facility Director, %(facility)s") % {"facility": r.position.facility.name})
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
        salutation=_salutation(r, attention),
        reference=_reference(r),
        decision=_decision(r),
        quotations=_quotations(r),
        facts=_facts(r),
        rationale=_rationale(r),
        note=(r.decision_note or "").strip(),
        next_step=_next_step(r),
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
