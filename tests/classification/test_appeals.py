"""Appeals to the Civil Service Commission (decision 0021-appeals): the 60-day window in New
York dates, who may file, the appeal's states, the packet PDF, and a reversal changing the
title through the effective-dated history."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from classification import appeal_services, appeal_workflow
from classification.appeal_workflow import AppealNotAllowed
from classification.models import Appeal, AppealEvent, PositionTitleChange
from classification.services import ConflictError
from classification.standard import TECHNICIAN_1, TECHNICIAN_2

from .factories import PDF, reclassification_in, title

NY = ZoneInfo("America/New_York")


def decided(cast, status="denied", *, employee=None, decided_at=None):
    r = reclassification_in(
        status, hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor, employee=employee
    )
    if decided_at is not None:
        type(r).objects.filter(pk=r.pk).update(decided_at=decided_at)
        r.refresh_from_db()
    return r


def file(cast, r, actor=None, grounds="The duties meet Technician 2."):
    return appeal_services.file_appeal(
        actor=actor or cast.hr, reclassification_id=r.pk, grounds=grounds
    )


# --- the window, in New York dates ---------------------------------------------------------


def test_last_day_is_the_sixtieth_after_the_letter():
    """Pure rule: a letter of Jan 1, 2027 may be appealed until Mar 2, 2027."""
    from datetime import date

    assert appeal_workflow.appeal_last_day(date(2027, 1, 1)) == date(2027, 3, 2)
    assert appeal_workflow.window_open(date(2027, 1, 1), date(2027, 3, 2))
    assert not appeal_workflow.window_open(date(2027, 1, 1), date(2027, 3, 3))
    assert appeal_workflow.window_closed_message(date(2026, 12, 3)) == (
        "The appeal period ended on Feb 1, 2027."
    )


@pytest.mark.parametrize(("days", "allowed"), [(60, True), (61, False)])
def test_window_counts_new_york_days(cast, days, allowed):
    """Decided at 11:30 p.m. in New York (already the next day in UTC): the letter's date
    is the New York date, and day 60 after it is the last day."""
    letter_day = timezone.localdate() - timedelta(days=days)
    late_evening = datetime(letter_day.year, letter_day.month, letter_day.day, 23, 30, tzinfo=NY)
    r = decided(cast, decided_at=late_evening)
    if allowed:
        assert file(cast, r).status == appeal_workflow.FILED
    else:
        with pytest.raises(ValidationError) as exc:
            file(cast, r)
        last = appeal_workflow.appeal_last_day(letter_day)
        assert f"The appeal period ended on {last:%b} {last.day}, {last.year}." in str(exc.value)
        assert not Appeal.objects.exists()


def test_request_page_shows_the_window(cast, client):
    r = decided(cast)
    client.force_login(cast.hr)
    page = client.get(r.get_absolute_url()).content.decode()
    last = appeal_workflow.appeal_last_day(timezone.localdate())
    assert f"An appeal is possible until {last:%b} {last.day}, {last.year}." in page


# --- who may file ------------------------------------------------------------------------


def test_own_agency_hr_files_with_a_file(cast):
    r = decided(cast, "approved")
    upload = SimpleUploadedFile("grounds.pdf", PDF, content_type="application/pdf")
    appeal = appeal_services.file_appeal(
        actor=cast.hr, reclassification_id=r.pk, grounds="Wrong title.", files=[upload]
    )
    assert appeal.attachments.get().original_name == "grounds.pdf"
    assert [e.action for e in appeal.events.all()] == ["file"]


def test_the_employee_files_for_their_own_request(cast):
    r = decided(cast, employee=cast.employee)
    assert file(cast, r, actor=cast.employee).filed_by == cast.employee


@pytest.mark.parametrize("who", ["hr_other", "employee_other", "analyst", "supervisor"])
def test_others_may_not_file(cast, who):
    r = decided(cast, employee=cast.employee)
    with pytest.raises(AppealNotAllowed):
        file(cast, r, actor=getattr(cast, who))


@pytest.mark.parametrize("who", ["hr_other", "employee_other"])
def test_others_get_404(cast, client, who):
    r = decided(cast, employee=cast.employee)
    appeal = file(cast, r)
    client.force_login(getattr(cast, who))
    assert client.get(reverse("classification:appeal_create", args=[r.pk])).status_code == 404
    assert client.post(reverse("classification:appeal_create", args=[r.pk])).status_code == 404
    url = reverse("classification:appeal_transition", args=[appeal.pk, "transmit"])
    assert client.post(url, {"version": 1}).status_code == 404


def test_an_open_request_cannot_be_appealed(cast):
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    with pytest.raises(ValidationError, match="Only a decided request"):
        file(cast, r)


def test_one_appeal_per_request(cast):
    r = decided(cast)
    file(cast, r)
    with pytest.raises(ValidationError, match="already been appealed"):
        file(cast, r)


# --- states and transitions -----------------------------------------------------------------

STEPS = {
    "transmit": lambda cast, a, v: appeal_services.transmit_appeal(
        actor=cast.analyst, appeal_id=a.pk, expected_version=v
    ),
    "decide": lambda cast, a, v: appeal_services.record_commission_decision(
        actor=cast.supervisor,
        appeal_id=a.pk,
        expected_version=v,
        outcome="upheld",
        decided_on=timezone.localdate(),
        message="The decision stands.",
    ),
    "close": lambda cast, a, v: appeal_services.close_appeal(
        actor=cast.analyst, appeal_id=a.pk, expected_version=v
    ),
}


@pytest.fixture
def no_packet(monkeypatch):
    monkeypatch.setattr(
        "classification.appeal_services.render_appeal_packet", lambda a: b"%PDF-1.7 packet"
    )


def test_the_whole_path(cast, no_packet, django_capture_on_commit_callbacks):
    appeal = file(cast, decided(cast))
    with django_capture_on_commit_callbacks(execute=True):
        appeal = STEPS["transmit"](cast, appeal, 1)
    appeal.refresh_from_db()
    assert appeal.status == "transmitted" and appeal.packet
    appeal = STEPS["decide"](cast, appeal, appeal.version)
    assert appeal.status == "decided" and appeal.outcome == "upheld"
    appeal = STEPS["close"](cast, appeal, appeal.version)
    assert appeal.status == "closed" and appeal.closed_on == timezone.localdate()
    assert [(e.from_status, e.to_status) for e in AppealEvent.objects.filter(appeal=appeal)] == [
        ("", "filed"),
        ("filed", "transmitted"),
        ("transmitted", "decided"),
        ("decided", "closed"),
    ]


@pytest.mark.parametrize("action", list(STEPS))
def test_steps_out_of_order_are_refused(cast, action, no_packet):
    appeal = file(cast, decided(cast))
    if action == "transmit":
        STEPS["transmit"](cast, appeal, 1)
    with pytest.raises(AppealNotAllowed):
        STEPS[action](cast, appeal, None)


@pytest.mark.parametrize("who", ["hr", "employee"])
def test_only_dcc_moves_an_appeal_on(cast, who):
    r = decided(cast, employee=cast.employee)
    appeal = file(cast, r)
    with pytest.raises(AppealNotAllowed):
        appeal_services.transmit_appeal(
            actor=getattr(cast, who), appeal_id=appeal.pk, expected_version=1
        )


def test_stale_form_is_a_conflict(cast):
    appeal = file(cast, decided(cast))
    appeal_services.transmit_appeal(actor=cast.analyst, appeal_id=appeal.pk, expected_version=1)
    with pytest.raises(ConflictError):
        appeal_services.transmit_appeal(actor=cast.analyst, appeal_id=appeal.pk, expected_version=1)


def test_events_are_append_only(cast):
    appeal = file(cast, decided(cast))
    with pytest.raises(Exception):  # noqa: B017 (the trigger's error)
        AppealEvent.objects.filter(appeal=appeal).update(message="changed")


# --- the packet --------------------------------------------------------------------------


def test_a_packet_that_fails_to_render_is_stored_by_the_catch_up(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    """The appeal was sent when the transmit committed: a rendering that fails afterwards
    does not turn that into an error page, and the worker's catch-up stores the packet."""

    def broken(appeal):
        raise OSError("the renderer's fonts are missing")

    monkeypatch.setattr("classification.appeal_services.render_appeal_packet", broken)
    appeal = file(cast, decided(cast))
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.transmit_appeal(actor=cast.analyst, appeal_id=appeal.pk, expected_version=1)
    appeal.refresh_from_db()
    assert appeal.status == "transmitted" and not appeal.packet
    assert appeal_services.store_missing_packets() == 0  # not yet a minute old
    monkeypatch.setattr(
        "classification.appeal_services.render_appeal_packet", lambda a: b"%PDF-1.7 packet"
    )
    assert appeal_services.store_missing_packets(older_than=timedelta(0)) == 1
    appeal.refresh_from_db()
    assert appeal.packet and appeal.packet_sha256
    assert appeal_services.store_missing_packets(older_than=timedelta(0)) == 0


def test_packet_holds_the_item_number_and_the_letter(cast, django_capture_on_commit_callbacks):
    r = decided(cast)
    type(r).objects.filter(pk=r.pk).update(decision_note="The duties described fit grade 13.")
    appeal = file(cast, r)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.transmit_appeal(actor=cast.analyst, appeal_id=appeal.pk, expected_version=1)
    appeal.refresh_from_db()
    pdf = pypdfium2.PdfDocument(appeal.packet.open("rb").read())
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert r.position.item_number in text
    assert "The duties meet Technician 2." in text  # the grounds
    assert "The duties described fit grade 13." in text  # the letter's text
    assert "Civil Service Commission" in text


# --- reversal and modification change the title through the history ------------------------


def test_reversed_denial_gives_the_proposed_title_from_its_date(cast, no_packet):
    r = decided(cast, "denied")
    appeal = file(cast, r)
    appeal_services.transmit_appeal(actor=cast.analyst, appeal_id=appeal.pk, expected_version=1)
    today = timezone.localdate()
    appeal = appeal_services.record_commission_decision(
        actor=cast.supervisor,
        appeal_id=appeal.pk,
        expected_version=2,
        outcome="reversed",
        decided_on=today,
        message="Reversed: the position supervises Technicians 1.",
        effective_on=today,
    )
    r.position.refresh_from_db()
    assert r.position.title == title(TECHNICIAN_2)
    change = PositionTitleChange.objects.filter(position=r.position).latest("changed_at")
    assert change == appeal.title_change
    assert (change.from_title, change.to_title, change.effective_on) == (
        title(TECHNICIAN_1),
        title(TECHNICIAN_2),
        today,
    )


def test_a_future_modification_is_pending_until_its_date(cast, no_packet):
    from classification.standard import ADMINISTRATOR_1

    r = decided(cast, "denied")
    appeal = file(cast, r)
    appeal_services.transmit_appeal(actor=cast.analyst, appeal_id=appeal.pk, expected_version=1)
    later = timezone.localdate() + timedelta(days=20)
    appeal_services.record_commission_decision(
        actor=cast.supervisor,
        appeal_id=appeal.pk,
        expected_version=2,
        outcome="modified",
        decided_on=timezone.localdate(),
        message="Modified.",
        outcome_title=title(ADMINISTRATOR_1),
        effective_on=later,
    )
    r.position.refresh_from_db()
    assert r.position.title == title(TECHNICIAN_1)
    from classification.services import apply_due_title_changes

    apply_due_title_changes(on=later)
    r.position.refresh_from_db()
    assert r.position.title == title(ADMINISTRATOR_1)


def test_modified_needs_a_title(cast, no_packet):
    appeal = file(cast, decided(cast))
    appeal_services.transmit_appeal(actor=cast.analyst, appeal_id=appeal.pk, expected_version=1)
    with pytest.raises(ValidationError):
        appeal_services.record_commission_decision(
            actor=cast.supervisor,
            appeal_id=appeal.pk,
            expected_version=2,
            outcome="modified",
            decided_on=timezone.localdate(),
            message="Modified.",
        )
    assert Appeal.objects.get().status == "transmitted"
