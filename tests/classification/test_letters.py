"""The decision letter reads as a State letter: letterhead, date, the agency's personnel office,
a Re: line, one sentence with the decision, the standard's words quoted, the appeal on a denial,
the signature and cc lines; no quotation is split across pages; nothing internal is printed."""

import re
from datetime import UTC, date, datetime, timedelta

import pypdfium2
import pytest
from django.utils import dateformat, timezone

from classification import services
from classification.letters import letter_html
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    CLAUSES,
    TECHNICIAN_2,
)
from facilities import services as facility_services
from tests.facilities.helpers import counts
from tests.factories import FacilityFactory, committed, employee_user

from .factories import PositionFactory, reclassification_in, title

STANDARD = "Classification Standard, Health Information Management series"


def long_date(d: date) -> str:
    """How a State letter writes a date: "January 5, 2026"."""
    return dateformat.format(d, "F j, Y")


def text_of(html: str) -> str:
    """The letter's words as a reader sees them: tags dropped, whitespace collapsed."""
    body = html.split("<body>", 1)[1]
    words = re.sub(r"<[^>]+>", " ", body).replace("&#x27;", "'").replace("&amp;", "&")
    return " ".join(words.split())


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed."""
    document = pypdfium2.PdfDocument(pdf)
    return [" ".join(page.get_textpage().get_text_range().split()) for page in document]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def staff(cast):
    cast.supervisor.first_name, cast.supervisor.last_name = "Robin", "Decider"
    cast.supervisor.job_title = "Director, Division of Classification & Compensation"
    cast.supervisor.save()
    cast.assigned.first_name, cast.assigned.last_name = "Casey", "Reviewer"
    cast.assigned.job_title = "Associate Personnel Analyst"
    cast.assigned.save()
    agency = cast.hr.agency
    agency.personnel_office = "Office of Human Resources"
    agency.personnel_address = "44 Holland Avenue\nAlbany, New York 12229"
    agency.save()
    return cast


def in_review(cast, *, current: str, proposed: str, facility=None, contact="Morgan Mental"):
    position = PositionFactory(
        facility=facility or FacilityFactory(agency=cast.hr.agency), title=title(current)
    )
    r = reclassification_in("in_review", hr=cast.hr, position=position, assigned=cast.assigned)
    type(r).objects.filter(pk=r.pk).update(
        proposed_title=title(proposed),
        contact_name=contact,
        technicians_1_supervised=2,
        clerical_supervised=1,
    )
    return r


def recommend(cast, r, recommendation: str, *, as_title: str | None = None, rationale: str):
    r.refresh_from_db()
    return services.recommend_reclassification(
        actor=cast.assigned,
        reclassification_id=r.pk,
        expected_version=r.version,
        recommendation=recommendation,
        rationale=rationale,
        recommended_title=title(as_title) if as_title else None,
    )


def approve(cast, r, effective: date):
    return committed(  # the letter is stored after the commit
        services.approve_reclassification,
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
        effective_date=effective,
    )


def deny(cast, r, message: str):
    return committed(
        services.deny_reclassification,
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
        message=message,
    )


@pytest.fixture
def ddsoo(staff):
    """A DDSOO whose accepted SFY 2025-26 counts warrant an Administrator 1."""
    facility = FacilityFactory(
        agency=staff.hr.agency, facility_type="ddsoo", name="Broome DDSOO", code="BRM"
    )
    counts(facility, staff.hr, 2025, 2_500, 200_000, accept_by=staff.analyst)
    return facility


def test_approval_as_another_title_names_the_approved_title(staff, ddsoo, fast_letter):
    """Proposed Administrator 2, approved as Administrator 1: the decision, the Re: line and
    the quotation speak of Administrator 1; the counts are the recommendation's, not a later
    correction's; the agency is told how to appeal (it did not get what it asked for)."""
    r = in_review(staff, current=TECHNICIAN_2, proposed=ADMINISTRATOR_2, facility=ddsoo)
    r = recommend(
        staff, r, "approve", as_title=ADMINISTRATOR_1, rationale="The counts fit Administrator 1."
    )
    activity = ddsoo.activities.get(fiscal_year=2025)
    facility_services.report_counts(
        actor=staff.hr,
        facility=ddsoo,
        fiscal_year=2025,
        individuals_served=2_900,
        records_activities=240_000,
        note="Recount.",
        expected_version=activity.version,
    )
    effective = timezone.localdate() + timedelta(days=20)
    done = approve(staff, r, effective)
    text = text_of(letter_html(done))

    assert (
        f"Your request is approved: position item {done.position.item_number} at Broome DDSOO "
        "is reclassified from Health Information Management Technician 2, grade 15, to Health "
        f"Information Management Administrator 1, grade 17, effective {long_date(effective)}."
    ) in text
    assert "Approved as Health Information Management Administrator 1, grade 17" in text
    assert (
        "You proposed Health Information Management Administrator 2; for the reasons below the "
        "Division approves Health Information Management Administrator 1 instead."
    ) in text
    assert "to Health Information Management Administrator 2, grade 19, effective" not in text
    assert flat(CLAUSES["dc-admin-1"].text) in text
    assert flat(CLAUSES["dc-admin-2"].text) not in text
    assert (
        f"— {STANDARD} (occ. code 3616110, 9/2021), Distinguishing Characteristics: "
        "Health Information Management Administrator 1"
    ) in text
    assert (
        "For SFY 2025-26 the Division accepted counts of 2,500 individuals served and 200,000 "
        "health records activities"
    ) in text
    assert "2,900" not in text  # the correction came after the recommendation
    assert "The counts fit Administrator 1." in text
    assert "Civil Service Commission" in text


def test_approval_as_proposed_has_no_appeal_and_quotes_the_approved_title(staff, fast_letter):
    r = in_review(staff, current="3616110", proposed=TECHNICIAN_2)
    r = recommend(staff, r, "approve", rationale="Supervises two Technicians 1.")
    done = approve(staff, r, timezone.localdate() + timedelta(days=7))
    text = text_of(letter_html(done))
    assert flat(CLAUSES["dc-tech-2"].text) in text
    assert "How to appeal" not in text and "Civil Service Commission" not in text
    assert (
        "The request states that the position supervises 2 Health Information Management "
        "Technicians 1 and 1 clerical support staff member."
    ) in text
    # A Technician 1 → 2 request turns on supervision, not the facility's chief level.
    assert "free-standing adult psychiatric center" not in text
    assert "health information management program by its type" not in text


def test_denial_quotes_the_current_title_and_says_how_and_by_when_to_appeal(staff, fast_letter):
    r = in_review(staff, current="3616110", proposed=TECHNICIAN_2)
    r = recommend(staff, r, "deny", rationale="No Technician 1 reports to the position.")
    done = deny(staff, r, "The duties are those of a Technician 1.")
    # Decided at 11 p.m. on January 30 in New York (January 31 in UTC): the letter is dated
    # by the New York date, and the 60 days run from it.
    done.decided_at = datetime(2026, 1, 31, 4, 0, tzinfo=UTC)
    text = text_of(letter_html(done))

    assert text.count("January 30, 2026") == 2  # the date line and the running head
    assert (
        f"Your request to reclassify position item {done.position.item_number} at "
        f"{done.position.facility.name} from Health Information Management Technician 1, "
        "grade 13, to Health Information Management Technician 2, grade 15, is denied; the "
        "position remains Health Information Management Technician 1."
    ) in text
    assert (
        "The decision rests on the distinguishing characteristics the standard gives the "
        "position's current title, Health Information Management Technician 1: "
        + flat(CLAUSES["dc-tech-1"].text)
    ) in text
    assert "Distinguishing Characteristics: Health Information Management Technician 1" in text
    assert (
        "appeal it to the Civil Service Commission under Section 120 of the Civil Service Law. "
        "You must file the appeal within 60 days of receiving this notice; counted from the "
        "date of this letter, that is on or before March 31, 2026. Send it in writing to the "
        "Civil Service Commission, Empire State Plaza, Agency Building 1, Albany, NY 12239"
    ) in text
    assert "No Technician 1 reports to the position." in text
    assert "The duties are those of a Technician 1." in text


def test_a_denial_against_the_recommendation_leaves_out_the_analysts_reasons(staff, fast_letter):
    r = in_review(staff, current="3616110", proposed=TECHNICIAN_2)
    r = recommend(staff, r, "approve", rationale="Meets the Technician 2 level.")
    text = text_of(letter_html(deny(staff, r, "The unit has no Technicians 1 to supervise.")))
    assert "Meets the Technician 2 level." not in text
    assert "The unit has no Technicians 1 to supervise." in text


def test_letterhead_addressee_salutation_signature_and_copies(staff, fast_letter):
    r = in_review(staff, current="3616110", proposed=TECHNICIAN_2, contact="Morgan Mental")
    r = recommend(staff, r, "approve", rationale="Fits.")
    done = approve(staff, r, timezone.localdate())
    text = text_of(letter_html(done))
    facility = done.position.facility.name
    for expected in (
        "NEW YORK STATE Department of Civil Service Division of Classification & Compensation",
        "Empire State Plaza, Agency Building 1, Albany, New York 12239",
        "www.cs.ny.gov",
        long_date(timezone.localdate()),
        "Office of Human Resources Office of Mental Health 44 Holland Avenue "
        "Albany, New York 12229 Attention: Morgan Mental",
        f"Re: Position item {done.position.item_number}, {facility} Reclassification from "
        "Health Information Management Technician 1, grade 13 to Health Information "
        "Management Technician 2, grade 15",
        "Dear Morgan Mental:",
        "Sincerely, Robin Decider Director, Division of Classification & Compensation",
        f"cc: Facility Director, {facility} Casey Reviewer, Associate Personnel Analyst",
        f"please contact Casey Reviewer at {staff.assigned.email}",
    ):
        assert expected in text, expected


def test_an_employees_own_request_is_answered_to_the_employee(staff, fast_letter):
    """Form CC-2E: the employee asked, so the letter is theirs, at their facility; the agency's
    personnel office, which processes the change, gets a copy and is not told to act."""
    employee = employee_user(first_name="Jordan", last_name="Filer")
    facility = FacilityFactory(
        agency=staff.hr.agency,
        name="Rockland Psychiatric Center",
        address="140 Old Orangeburg Road\nOrangeburg, New York 10962",
    )
    position = PositionFactory(facility=facility, title=title("3616110"))
    r = reclassification_in(
        "in_review", hr=staff.hr, employee=employee, position=position, assigned=staff.assigned
    )
    done = approve(staff, recommend(staff, r, "approve", rationale="Fits."), timezone.localdate())
    text = text_of(letter_html(done))
    for expected in (
        "Jordan Filer Rockland Psychiatric Center 140 Old Orangeburg Road "
        "Orangeburg, New York 10962 Re:",
        "Dear Jordan Filer:",
        "Your agency's personnel office, which receives a copy of this letter, will process",
        "cc: Office of Human Resources, Office of Mental Health "
        "Facility Director, Rockland Psychiatric Center",
    ):
        assert expected in text, expected
    for absent in ("Attention:", "44 Holland Avenue", "Please process the personnel"):
        assert absent not in text, absent


def test_an_agencys_request_tells_the_agency_to_process_the_change(staff, fast_letter):
    r = in_review(staff, current="3616110", proposed=TECHNICIAN_2)
    done = approve(staff, recommend(staff, r, "approve", rationale="Fits."), timezone.localdate())
    text = text_of(letter_html(done))
    assert "Please process the personnel and payroll transactions" in text
    assert "cc: Facility Director" in text and "personnel office, which receives" not in text


def test_signer_without_a_job_title_signs_for_the_division(staff, fast_letter):
    staff.supervisor.job_title = ""
    staff.supervisor.save()
    r = recommend(
        staff, in_review(staff, current="3616110", proposed=TECHNICIAN_2), "deny", rationale="No."
    )
    text = text_of(letter_html(deny(staff, r, "No.")))
    assert "Sincerely, Robin Decider Division of Classification & Compensation cc:" in text


def test_the_pdf_is_stored_with_its_hash_and_prints_nothing_internal(staff, ddsoo):
    """The real PDF: page numbers "Page N of M", the approved title, and no hash, clause
    anchor, Interpretation id, title code or request number in what a reader sees."""
    import hashlib

    r = in_review(staff, current=TECHNICIAN_2, proposed=ADMINISTRATOR_2, facility=ddsoo)
    r = recommend(staff, r, "approve", as_title=ADMINISTRATOR_1, rationale="Fits.")
    done = approve(staff, r, timezone.localdate())
    data = done.letter.read()
    assert hashlib.sha256(data).hexdigest() == done.letter_sha256
    pages = pdf_pages(data)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    words = " ".join(pages)
    assert "Approved as Health Information Management Administrator 1, grade 17" in words
    for internal in (
        done.letter_sha256,
        "SHA",
        "dc-admin",
        "Interpretation",
        "3616510",
        f"Request {done.pk}",
        "needs review",
        "setting",
    ):
        assert internal not in words, internal


LONG_REASONS = "\n\n".join(
    f"Finding {n}: the duties statement and the organization chart were compared line by "
    "line with the standard's description of each title; the supervision described, the "
    "records activities performed and the reporting relationships were each weighed."
    for n in range(1, 13)
)


def quotations_split(pdf: bytes, quotations: list[str]) -> list[str]:
    """The quotations whose words are not all on one page."""
    pages = pdf_pages(pdf)
    return [q for q in quotations if not any(flat(q) in page for page in pages)]


def straddling_layout(render, rule: str, is_split) -> str:
    """The first of a series of letters, each a little longer than the one before, that
    splits (`is_split(pdf)`) once the CSS `rule` is left out; its HTML *with* the rule. The
    test then proves the rule, not a lucky layout."""
    from weasyprint import HTML

    for padding in range(40):
        html = render(padding)
        assert rule in html
        if is_split(HTML(string=html.replace(rule, "")).write_pdf()):
            return html
    pytest.fail("no layout put a page break inside: the test would prove nothing")


def test_no_quotation_is_split_across_pages(staff, ddsoo):
    """A denial with long reasons and two quotations, padded line by line (more lines in the
    agency's address) until, without the break rule, a quotation straddles a page break: with
    the rule, every quotation's words are on a single page."""
    from weasyprint import HTML

    r = in_review(staff, current=TECHNICIAN_2, proposed=ADMINISTRATOR_1, facility=ddsoo)
    r = recommend(staff, r, "deny", rationale=LONG_REASONS)
    done = deny(staff, r, LONG_REASONS)
    quotations = [CLAUSES["dc-tech-2"].text, CLAUSES["dc-admin-1"].text]
    agency = done.position.facility.agency

    def render(padding: int) -> str:
        agency.personnel_address = "\n".join(["44 Holland Avenue"] * (1 + padding))
        return letter_html(done)

    html = straddling_layout(
        render,
        "break-inside: avoid; margin: 0 0 10pt;",
        lambda pdf: quotations_split(pdf, quotations),
    )
    pdf = HTML(string=html).write_pdf()
    assert len(pdf_pages(pdf)) >= 3
    assert quotations_split(pdf, quotations) == []


def test_signature_block_is_never_split(staff):
    """The closing, the name and the title stay on one page, whatever precedes them."""
    from weasyprint import HTML

    r = in_review(staff, current="3616110", proposed=TECHNICIAN_2)
    r = recommend(staff, r, "deny", rationale=LONG_REASONS)
    done = deny(staff, r, "No.")
    signature = "Sincerely, Robin Decider Director, Division of Classification & Compensation"

    def render(padding: int) -> str:
        done.decision_note = "\n\n".join(["One more line of reasons."] * (1 + padding))
        return letter_html(done)

    def split(pdf: bytes) -> bool:
        return not any(signature in page for page in pdf_pages(pdf))

    html = straddling_layout(render, "break-inside: avoid; break-before: avoid;", split)
    assert not split(HTML(string=html).write_pdf())


@pytest.mark.parametrize(
    ("facility_type", "fact"),
    [
        (
            "adult_pc_freestanding",
            "is a free-standing adult psychiatric center. The standard sets the level of such a "
            "facility's health information management program by its type: Health Information "
            "Management Administrator 3.",
        ),
        (
            "other",
            "The standard names no Administrator level for a facility such as Test Facility, so "
            "the Division decided the level.",
        ),
        (
            "ddsoo",
            "is a Developmental Disabilities State Operations Office; the standard sets the "
            "level of its health information management program by its annual counts. No "
            "accepted counts were on record, so the Division decided the level.",
        ),
    ],
)
def test_an_administrator_request_states_the_facilitys_level(
    staff, fast_letter, facility_type, fact
):
    facility = FacilityFactory(
        agency=staff.hr.agency, facility_type=facility_type, name="Test Facility"
    )
    r = in_review(staff, current=TECHNICIAN_2, proposed=ADMINISTRATOR_1, facility=facility)
    r = recommend(staff, r, "deny", rationale="No.")
    text = text_of(letter_html(deny(staff, r, "No.")))
    assert fact in text
    assert "Interpretation" not in text and "needs review" not in text
