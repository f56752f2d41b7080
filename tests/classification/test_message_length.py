"""The messages people type with a step (comments, reasons, rationales, notes, an appeal's
grounds and the Commission's words) are at most MESSAGE_MAX_LENGTH characters: the form says
so at the field, with the length and the limit, and the services refuse more, so no path
stores or emails a longer one."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from classification import appeal_services, services
from classification.models import (
    MESSAGE_MAX_LENGTH,
    Appeal,
    AppealEvent,
    EmailLog,
    PositionTitleChange,
    ReclassificationEvent,
)

from .factories import reclassification_in

HUGE = "x" * 300_000
AT_FIELD = (
    "This text is 300,000 characters long; the limit is 5,000 characters. Shorten it and try again."
)


# Each step of a request that takes a message: the state it starts in, who takes it, and
# what else its form needs.
STEPS = {
    "request_information": ("in_review", "assigned", {}),
    "respond": ("info_requested", "hr", {"kind": "other"}),
    "recommend": ("in_review", "assigned", {"recommendation": "deny"}),
    "deny": ("recommended", "supervisor", {}),
    "return_to_analyst": ("recommended", "supervisor", {}),
    "withdraw": ("submitted", "hr", {}),
    "comment": ("agency_comment", "hr", {"stance": "support", "kind": "other"}),
}


def _request_for(cast, status):
    return reclassification_in(status, hr=cast.hr, assigned=cast.assigned)


@pytest.mark.parametrize("action", list(STEPS))
def test_a_long_message_is_refused_at_the_field_and_nothing_is_stored(client, cast, action):
    """300,000 characters: the form comes back (400) with the length and the limit at the
    message box; the request, its events and the outbox are as they were."""
    status, who, extra = STEPS[action]
    r = _request_for(cast, status)
    events, emails = ReclassificationEvent.objects.count(), EmailLog.objects.count()
    client.force_login(getattr(cast, who))
    url = reverse("classification:reclassification_transition", args=[r.pk, action])
    page = client.post(url, {"version": r.version, "message": HUGE, **extra})
    assert page.status_code == 400
    assert page.context["form"].errors == {"message": [AT_FIELD]}  # nothing else is wrong
    assert AT_FIELD in page.content.decode()
    r.refresh_from_db()
    assert r.status == status
    assert ReclassificationEvent.objects.count() == events
    assert EmailLog.objects.count() == emails


def test_a_message_of_exactly_the_limit_is_taken_and_emailed(client, cast):
    """The limit itself is allowed: 5,000 characters are recorded whole and emailed."""
    r = _request_for(cast, "in_review")
    client.force_login(cast.assigned)
    url = reverse("classification:reclassification_transition", args=[r.pk, "request_information"])
    text = "y" * MESSAGE_MAX_LENGTH
    assert client.post(url, {"version": r.version, "message": text}).status_code == 302
    r.refresh_from_db()
    assert r.status == "info_requested"
    assert r.events.order_by("-at", "-pk").first().message == text
    assert text in EmailLog.objects.get(reclassification=r).body


def test_the_box_does_not_cut_a_pasted_text_short(client, cast):
    """No `maxlength` on the box: the browser would drop the end of a pasted text without a
    word; the form keeps it whole and says how long it is."""
    r = _request_for(cast, "in_review")
    client.force_login(cast.assigned)
    url = reverse("classification:reclassification_transition", args=[r.pk, "request_information"])
    page = client.post(url, {"version": r.version, "message": HUGE})
    assert 'maxlength="' not in page.content.decode()
    assert page.context["form"]["message"].value() == HUGE


SERVICE_CALLS = {
    "request_information": lambda cast, r, text: services.request_reclassification_information(
        actor=cast.assigned, reclassification_id=r.pk, expected_version=r.version, message=text
    ),
    "respond": lambda cast, r, text: services.respond_to_reclassification(
        actor=cast.hr, reclassification_id=r.pk, expected_version=r.version, message=text
    ),
    "recommend": lambda cast, r, text: services.recommend_reclassification(
        actor=cast.assigned,
        reclassification_id=r.pk,
        expected_version=r.version,
        recommendation="approve",
        rationale=text,
    ),
    "deny": lambda cast, r, text: services.deny_reclassification(
        actor=cast.supervisor, reclassification_id=r.pk, expected_version=r.version, message=text
    ),
    "return_to_analyst": lambda cast, r, text: services.return_reclassification_to_analyst(
        actor=cast.supervisor, reclassification_id=r.pk, expected_version=r.version, message=text
    ),
    "withdraw": lambda cast, r, text: services.withdraw_reclassification(
        actor=cast.hr, reclassification_id=r.pk, expected_version=r.version, message=text
    ),
    "comment": lambda cast, r, text: services.comment_on_reclassification(
        actor=cast.hr,
        reclassification_id=r.pk,
        expected_version=r.version,
        stance="support",
        message=text,
    ),
}


@pytest.mark.parametrize("action", list(SERVICE_CALLS))
def test_the_services_refuse_one_character_past_the_limit(cast, action):
    """Whatever calls the service (a command, demo data, a view yet to be written), 5,001
    characters are refused with the length and the limit, and nothing is written."""
    status = STEPS[action][0]
    r = _request_for(cast, status)
    events = ReclassificationEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        SERVICE_CALLS[action](cast, r, "z" * (MESSAGE_MAX_LENGTH + 1))
    assert "is 5,001 characters long; the limit is 5,000 characters." in " ".join(
        exc.value.messages
    )
    r.refresh_from_db()
    assert r.status == status
    assert r.recommendation_rationale == ("Fits the standard." if status == "recommended" else "")
    assert r.agency_comment == "" and r.decision_note == ""
    assert ReclassificationEvent.objects.count() == events
    assert not EmailLog.objects.exists()


def test_no_event_is_recorded_with_a_longer_message(cast):
    """`record_event`, the one way an event is written, refuses one too."""
    r = _request_for(cast, "in_review")
    events = ReclassificationEvent.objects.count()
    with pytest.raises(ValidationError, match="the limit is 5,000 characters"):
        services.record_event(
            reclassification=r,
            action="return_to_queue",
            from_status="in_review",
            to_status="submitted",
            actor=cast.assigned,
            at=timezone.now(),
            message=HUGE,
        )
    assert ReclassificationEvent.objects.count() == events


def test_a_long_reason_for_a_retroactive_date_is_refused(client, cast):
    """The approval's second box has the same limit, at the form and in the service."""
    r = _request_for(cast, "recommended")
    day = r.submitted_on - timedelta(days=3)
    client.force_login(cast.supervisor)
    url = reverse("classification:reclassification_transition", args=[r.pk, "approve"])
    page = client.post(
        url, {"version": r.version, "effective_date": day.isoformat(), "retroactive_reason": HUGE}
    )
    assert page.status_code == 400
    assert page.context["form"].errors["retroactive_reason"] == [AT_FIELD]
    with pytest.raises(ValidationError, match="is 300,000 characters long"):
        services.approve_reclassification(
            actor=cast.supervisor,
            reclassification_id=r.pk,
            expected_version=r.version,
            effective_date=day,
            retroactive_reason=HUGE,
        )
    r.refresh_from_db()
    assert r.status == "recommended" and r.retroactive_reason == ""
    assert not PositionTitleChange.objects.filter(position=r.position).exists()


def test_a_long_note_returning_an_analysts_requests_is_refused(client, cast):
    r = _request_for(cast, "in_review")
    client.force_login(cast.supervisor)
    url = reverse("classification:return_analyst_requests", args=[cast.assigned.pk])
    page = client.post(url, {"message": HUGE}, follow=True)
    assert f"Note: {AT_FIELD}" in [str(m) for m in page.context["messages"]]
    r.refresh_from_db()
    assert r.status == "in_review"
    with pytest.raises(ValidationError, match="is 300,000 characters long"):
        services.return_analyst_reclassifications_to_queue(
            actor=cast.supervisor, analyst=cast.assigned, message=HUGE
        )
    r.refresh_from_db()
    assert r.status == "in_review"


# --- appeals -------------------------------------------------------------------------------


def _decided(cast):
    return reclassification_in(
        "denied", hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor
    )


def test_long_grounds_for_an_appeal_are_refused(client, cast):
    r = _decided(cast)
    client.force_login(cast.hr)
    page = client.post(reverse("classification:appeal_create", args=[r.pk]), {"grounds": HUGE})
    assert page.status_code == 400
    assert page.context["form"].errors["grounds"] == [AT_FIELD]
    with pytest.raises(ValidationError, match="is 300,000 characters long"):
        appeal_services.file_appeal(actor=cast.hr, reclassification_id=r.pk, grounds=HUGE)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("action", ["transmit", "decide"])
def test_a_long_message_on_an_appeals_step_is_refused(client, cast, action):
    appeal = appeal_services.file_appeal(
        actor=cast.hr, reclassification_id=_decided(cast).pk, grounds="Wrong title."
    )
    if action == "decide":
        appeal_services.transmit_appeal(
            actor=cast.analyst, appeal_id=appeal.pk, expected_version=appeal.version
        )
        appeal.refresh_from_db()
    status, events = appeal.status, AppealEvent.objects.count()
    client.force_login(cast.supervisor)
    url = reverse("classification:appeal_transition", args=[appeal.pk, action])
    data = {"version": appeal.version, "message": HUGE}
    if action == "decide":
        data.update(outcome="upheld", decided_on=timezone.localdate().isoformat())
    page = client.post(url, data)
    assert page.status_code == 400
    assert page.context["form"].errors["message"] == [AT_FIELD]
    call = {
        "transmit": lambda: appeal_services.transmit_appeal(
            actor=cast.analyst, appeal_id=appeal.pk, expected_version=appeal.version, message=HUGE
        ),
        "decide": lambda: appeal_services.record_commission_decision(
            actor=cast.supervisor,
            appeal_id=appeal.pk,
            expected_version=appeal.version,
            outcome="upheld",
            decided_on=timezone.localdate(),
            message=HUGE,
        ),
    }[action]
    with pytest.raises(ValidationError, match="is 300,000 characters long"):
        call()
    appeal.refresh_from_db()
    assert appeal.status == status and appeal.commission_decision == ""
    assert AppealEvent.objects.count() == events
