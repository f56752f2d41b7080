"""Employee-filed requests (form CC-2E, decision 0015): the employee files, the agency
comments within its period, then DCC reviews. Every action × status × role through the
services (parametrised from the transitions table), the comment period in New York dates,
what the employee may and may not see (another employee's request is a 404), and email."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from classification import selectors, services, workflow
from classification.models import EmailLog, ReclassificationEvent
from classification.standard import TECHNICIAN_2
from classification.workflow import TRANSITIONS
from common.errors import Refused
from tests.downloads import csv_rows
from tests.factories import committed

from .factories import PDF, PositionFactory, reclassification_in, title

# Which of the table's "who" each test role holds on an employee's request of OMH.
ROLE_HOLDS = {
    "employee": {"employee"},
    "employee_other": set(),
    "hr": {"employee_agency_hr"},
    "hr_other": set(),
    "analyst": {"analyst"},
    "assigned": {"analyst", "assigned_analyst"},
    "supervisor": {"analyst", "supervisor", "supervisor_not_recommender"},
}
ARGS = {
    "submit": {},
    "file": {},
    "comment": {"stance": "oppose", "message": "The agency opposes it."},
    "proceed_without_comment": {},
    "take": {},
    "assign": {"analyst": "analyst"},
    "return_to_queue": {"message": "Back."},
    "request_information": {"message": "Describe a typical week."},
    "respond": {"message": "Here it is."},
    "recommend": {"recommendation": "approve", "rationale": "Fits."},
    "approve": {},
    "deny": {"message": "No."},
    "return_to_analyst": {"message": "Look again."},
    "withdraw": {"message": "Not needed."},
}


def _statuses_for(t) -> list[str]:
    # Every source state, and one state outside them (the refusal), keeps the run short: the
    # agency's own requests get the whole cross product in test_workflow.py.
    outside = next(s for s in workflow.STATUSES if s not in t.sources)
    return [*t.sources, outside]


CASES = [
    (t.action, status, role)
    for t in TRANSITIONS
    if t.action != "create"
    for status in _statuses_for(t)
    for role in ROLE_HOLDS
]


@pytest.mark.parametrize(("action", "status", "role"), CASES)
def test_transition_on_an_employee_request(cast, fast_letter, action, status, role):
    """On an employee's request the agency's HR only comments; the employee files, answers
    and withdraws; DCC's part is unchanged."""
    transition = workflow.TRANSITIONS_BY_ACTION[action]
    expected = status in transition.sources and bool(ROLE_HOLDS[role] & set(transition.who))
    r = reclassification_in(
        status, hr=cast.hr, employee=cast.employee, assigned=cast.assigned, decider=cast.supervisor2
    )
    actor = getattr(cast, role)
    kwargs = {k: getattr(cast, v) if k == "analyst" else v for k, v in ARGS[action].items()}
    before = ReclassificationEvent.objects.filter(reclassification=r).count()
    assert (action in [t.action for t in workflow.allowed_transitions(actor, r)]) is expected
    if expected:
        done = services.SERVICES[action](
            actor=actor, reclassification_id=r.pk, expected_version=r.version, **kwargs
        )
        assert done.status == transition.target
        event = ReclassificationEvent.objects.filter(reclassification=r).latest("pk")
        assert (event.action, event.from_status, event.to_status, event.actor) == (
            action,
            status,
            transition.target,
            actor,
        )
    else:
        with pytest.raises(Refused):
            services.SERVICES[action](
                actor=actor, reclassification_id=r.pk, expected_version=r.version, **kwargs
            )
        r.refresh_from_db()
        assert r.status == status
    assert ReclassificationEvent.objects.filter(reclassification=r).count() == before + expected


def _employee_draft(cast, **kwargs):
    position = PositionFactory(facility__agency=cast.hr.agency)
    position.employees.add(cast.employee)
    return services.create_reclassification(
        actor=cast.employee,
        position=position,
        proposed_title=title(TECHNICIAN_2),
        justification="I lead the release-of-information desk.",
        duties=[("Lead the desk", 60), ("Code records", 40)],
        **kwargs,
    )


def test_employee_creates_only_for_their_own_position(cast):
    """An employee may start a request for a position they hold, never for another one, and
    the supervision counts they cannot know are not theirs to give."""
    r = _employee_draft(cast)
    assert (r.employee, r.created_by, r.contact_email) == (
        cast.employee,
        cast.employee,
        cast.employee.email,
    )
    assert r.status == workflow.DRAFT
    elsewhere = PositionFactory(facility__agency=cast.hr.agency)
    with pytest.raises(Refused):
        services.create_reclassification(
            actor=cast.employee, position=elsewhere, proposed_title=title(TECHNICIAN_2)
        )
    with pytest.raises(TypeError):
        _employee_draft(cast, technicians_1_supervised=3)


def test_filing_sets_the_comment_due_date_and_emails_the_agency(cast, settings):
    """Filing needs no organization chart from the employee; the agency's comment is due
    HIM_AGENCY_COMMENT_DAYS New York calendar days on, and its HR is emailed."""
    settings.HIM_AGENCY_COMMENT_DAYS = 21
    r = _employee_draft(cast)
    r = services.file_reclassification(
        actor=cast.employee, reclassification_id=r.pk, expected_version=r.version
    )
    assert r.status == workflow.AGENCY_COMMENT
    assert r.comment_due_on == timezone.localdate() + timedelta(days=21)
    assert r.submitted_on is None  # DCC's clock starts when it reaches DCC's queue
    sent = EmailLog.objects.filter(reclassification=r)
    assert list(sent.values_list("recipient", flat=True)) == [cast.hr.email]
    assert "comment" in sent.get().subject


def test_dcc_proceeds_only_after_the_comment_period(cast):
    """Until the due date (a New York date, inclusive) the agency may comment and DCC may
    not proceed; from the day after, it may."""
    today = timezone.localdate()
    r = reclassification_in(
        "agency_comment", hr=cast.hr, employee=cast.employee, comment_due_on=today
    )
    assert "proceed_without_comment" not in [
        t.action for t in workflow.allowed_transitions(cast.analyst, r)
    ]
    with pytest.raises(Refused, match="may comment until"):
        services.proceed_without_comment(
            actor=cast.analyst, reclassification_id=r.pk, expected_version=r.version
        )
    assert workflow.comment_period_over(r, today + timedelta(days=1))
    r.comment_due_on = today - timedelta(days=1)
    r.save(update_fields=["comment_due_on"])
    done = services.proceed_without_comment(
        actor=cast.analyst, reclassification_id=r.pk, expected_version=r.version
    )
    assert done.status == workflow.SUBMITTED
    assert done.submitted_on == today
    assert not done.agency_stance


def test_the_agency_may_still_comment_after_its_due_date(cast):
    r = reclassification_in("agency_comment", hr=cast.hr, employee=cast.employee)
    done = services.comment_on_reclassification(
        actor=cast.hr,
        reclassification_id=r.pk,
        expected_version=r.version,
        stance="support",
        message="Late, but we support it.",
    )
    assert (done.status, done.agency_stance) == (workflow.SUBMITTED, "support")


@pytest.mark.parametrize("shared", [False, True])
def test_an_unshared_comment_and_its_file_never_reach_the_employee(cast, client, shared):
    """The analyst sees both sides; the employee reads the comment, its file and its email
    text only when the agency shared them."""
    r = reclassification_in("agency_comment", hr=cast.hr, employee=cast.employee)
    secret = "Internal: the unit will be merged next year."
    r = committed(  # the agency's file is moved into place after the commit
        services.comment_on_reclassification,
        actor=cast.hr,
        reclassification_id=r.pk,
        expected_version=r.version,
        stance="oppose",
        message=secret,
        shared=shared,
        files=[("other", SimpleUploadedFile("agency view.pdf", PDF))],
    )
    assert r.submitted_on == timezone.localdate() and r.standard_id
    agency_file = r.attachments.get(uploaded_by=cast.hr)
    mail = EmailLog.objects.get(reclassification=r, recipient=cast.employee.email)
    assert (secret in mail.body) is shared

    client.force_login(cast.employee)
    page = client.get(r.get_absolute_url()).content.decode()
    assert (secret in page) is shared
    assert ("agency view.pdf" in page) is shared
    assert "Analysis" not in page and "Email sent" not in page
    download = client.get(agency_file.get_absolute_url())
    assert download.status_code == (200 if shared else 404)

    client.force_login(cast.analyst)
    page = client.get(r.get_absolute_url()).content.decode()
    assert secret in page and "Opposes the request" in page and "agency view.pdf" in page


def test_an_employee_sees_only_their_own_positions_and_requests(cast, client, fast_letter):
    """Another employee's request, its files, letter and actions are a 404, as another
    agency's objects are for HR; the employee's draft is theirs alone."""
    mine = reclassification_in(
        "approved",
        hr=cast.hr,
        employee=cast.employee,
        assigned=cast.assigned,
        decider=cast.supervisor,
    )
    services.store_decision_letter(mine.pk)
    theirs = reclassification_in(
        "approved",
        hr=cast.hr,
        employee=cast.employee_other,
        assigned=cast.assigned,
        decider=cast.supervisor,
    )
    services.store_decision_letter(theirs.pk)
    agency_filed = reclassification_in("submitted", hr=cast.hr)
    draft = reclassification_in("draft", hr=cast.hr, employee=cast.employee)

    assert set(selectors.reclassifications_visible_to(cast.employee)) == {mine, draft}
    assert set(selectors.positions_visible_to(cast.employee)) == {mine.position, draft.position}
    assert draft not in selectors.reclassifications_visible_to(cast.hr)
    assert draft not in selectors.reclassifications_visible_to(cast.analyst)

    client.force_login(cast.employee)
    for r, status in ((mine, 200), (theirs, 404), (agency_filed, 404)):
        assert client.get(r.get_absolute_url()).status_code == status
        letter = reverse("classification:decision_letter", args=[r.pk])
        assert client.get(letter).status_code == status
        attachment = r.attachments.first()
        assert client.get(attachment.get_absolute_url()).status_code == status
        assert client.get(r.position.get_absolute_url()).status_code == status
    assert (
        client.get(
            reverse("classification:reclassification_transition", args=[theirs.pk, "withdraw"])
        ).status_code
        == 404
    )
    listing = client.get(reverse("classification:reclassification_list")).content.decode()
    assert f">{theirs.position.item_number}<" not in listing
    assert (
        theirs.position.item_number
        not in client.get(reverse("classification:position_list")).content.decode()
    )


def test_the_employee_reads_the_decision_and_the_letter(cast, client, fast_letter):
    r = reclassification_in(
        "recommended", hr=cast.hr, employee=cast.employee, assigned=cast.assigned
    )
    r = committed(  # the letter is stored after the commit
        services.approve_reclassification,
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
    )
    recipients = set(
        EmailLog.objects.filter(reclassification=r).values_list("recipient", flat=True)
    )
    assert recipients == {cast.employee.email, cast.hr.email}
    client.force_login(cast.employee)
    page = client.get(r.get_absolute_url()).content.decode()
    assert "Approved: your position is reclassified" in page
    letter = client.get(reverse("classification:decision_letter", args=[r.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"


def test_the_employee_files_through_the_site(cast, client):
    """The short form (no supervision counts), the draft page, then filing it."""
    position = PositionFactory(facility__agency=cast.hr.agency)
    position.employees.add(cast.employee)
    client.force_login(cast.employee)
    form = client.get(reverse("classification:reclassification_create"))
    assert form.status_code == 200
    html = form.content.decode()
    assert "technicians_1_supervised" not in html and position.item_number in html
    response = client.post(
        reverse("classification:reclassification_create"),
        {
            "position": position.pk,
            "proposed_title": title(TECHNICIAN_2).pk,
            "justification": "I lead the desk.",
            "duty_0": "Lead the desk",
            "duty_0_percent": 100,
        },
    )
    assert response.status_code == 302
    r = selectors.reclassifications_visible_to(cast.employee).get()
    url = reverse("classification:reclassification_transition", args=[r.pk, "file"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": r.version}).status_code == 302
    r.refresh_from_db()
    assert r.status == workflow.AGENCY_COMMENT


def test_the_letter_puts_no_supervision_counts_in_an_employees_mouth(cast):
    """The employee gives no supervision counts, so the letter's facts do not say the
    request states that the position supervises nobody."""
    from classification.letters import decision_letter

    r = reclassification_in(
        "approved",
        hr=cast.hr,
        employee=cast.employee,
        assigned=cast.assigned,
        decider=cast.supervisor,
    )
    assert not any("supervises" in fact for fact in decision_letter(r).facts)
    agency_filed = reclassification_in(
        "approved", hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor
    )
    assert any("supervises" in fact for fact in decision_letter(agency_filed).facts)


def test_the_employees_list_and_its_export_name_no_dcc_staff(cast, client):
    """Decision 0015: the employee reads no actor's name, in the list as on the request."""
    cast.assigned.first_name, cast.assigned.last_name = "Casey", "Reviewer"
    cast.assigned.save()
    reclassification_in("in_review", hr=cast.hr, employee=cast.employee, assigned=cast.assigned)
    url = reverse("classification:reclassification_list")
    for who, shown in ((cast.employee, False), (cast.analyst, True)):
        client.force_login(who)
        page = client.get(url, {"tab": "all"}).content.decode()
        rows = csv_rows(client.get(url, {"tab": "all", "_export": "csv"}))
        assert ("Casey Reviewer" in page) is shown, who
        assert ("Assignee" in rows[0]) is shown, who
        assert any("Casey Reviewer" in row for row in rows[1:]) is shown, who
        assert len({len(row) for row in rows}) == 1  # every row as long as the headings


# The help agency HR reads on its own form: the employee's form carries none of it.
HR_HELP = {
    "requested_effective_date": (
        "Optional. Not before the position's latest title change and at most a year ahead; a "
        "date before the submission needs the supervisor's reason to approve."
    ),
    "position": (
        "Type an item number, a facility or the incumbent's family name, then choose the "
        "position. Only your agency's positions with no open request are listed."
    ),
}


@pytest.mark.parametrize("editing", [False, True], ids=["new", "draft"])
def test_the_employees_form_helps_the_employee_not_agency_hr(cast, client, editing):
    """Each field's help speaks to the employee about their own position; HR's words (the
    Division supervisor's reason, the incumbent, "your agency's positions") are on HR's form
    only, unchanged."""
    position = PositionFactory(facility__agency=cast.hr.agency)
    position.employees.add(cast.employee)
    client.force_login(cast.employee)
    if editing:
        r = services.create_reclassification(
            actor=cast.employee, position=position, proposed_title=title(TECHNICIAN_2)
        )
        page = client.get(reverse("classification:reclassification_update", args=[r.pk]))
    else:
        page = client.get(reverse("classification:reclassification_create"))
    assert page.status_code == 200
    form = page.context["form"]
    help_texts = {name: str(field.help_text) for name, field in form.fields.items()}
    assert help_texts["requested_effective_date"] == (
        "Optional: the day you would like the new title to start, at most a year from today. "
        "The Division decides the date in the end."
    )
    assert help_texts["proposed_title"] == (
        "The title in this series you think the duties you do now fit."
    )
    assert help_texts["justification"].startswith("In your own words: what you do that your")
    if not editing:
        assert help_texts["position"] == "Your positions with no open request."
    html = page.content.decode().replace("&#x27;", "'")
    for hr_words in (*HR_HELP.values(), "the supervisor's reason", "incumbent"):
        assert hr_words not in html

    client.force_login(cast.hr)
    hr_form = client.get(reverse("classification:reclassification_create")).context["form"]
    assert {name: str(hr_form.fields[name].help_text) for name in HR_HELP} == HR_HELP
    assert not hr_form.fields["justification"].help_text
