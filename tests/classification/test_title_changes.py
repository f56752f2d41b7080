"""Effective dates with rules, and title changes that take effect on their date (issue 14).

An approval's effective date is bounded (never before the position's latest title change, not
before the submission without a recorded reason, at most a year ahead); drafts get the same
bounds. A future-dated approval is recorded and shown as pending; the position keeps the title
in effect today until `apply_due_title_changes` runs on the day (tested across the date, with
the date passed in). Reports, drift and the supervision checks read the title in effect on the
day they ask about."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from classification import reports, selectors, services
from classification.models import PositionTitleChange
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    TECHNICIAN_1,
    TECHNICIAN_2,
)
from tests.factories import FacilityFactory

from .factories import reclassification_in, title

START = date(2020, 4, 1)


def position_with_history(facility, code=TECHNICIAN_1, item=None, reports_to=None):
    return services.create_position(
        item_number=item or f"P-{facility.code}-{code[-3:]}",
        facility=facility,
        title=title(code),
        effective_on=START,
        reports_to=reports_to,
    )


@pytest.fixture
def recommended(cast):
    facility = FacilityFactory(agency=cast.hr.agency)
    position = position_with_history(facility)
    return reclassification_in("recommended", hr=cast.hr, position=position, assigned=cast.assigned)


def approve(cast, r, day, **kwargs):
    r.refresh_from_db()
    return services.approve_reclassification(
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
        effective_date=day,
        **kwargs,
    )


# --- effective dates with rules -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(1, 1, 1), "last changed on Apr 1, 2020"),
        (date(1999, 1, 1), "last changed on Apr 1, 2020"),
        (date(9999, 12, 31), "at most a year ahead"),
    ],
)
def test_approval_refuses_dates_out_of_bounds(cast, recommended, fast_letter, day, words):
    """The dates issue 14 saw accepted: nothing is written, the message says what to do."""
    with pytest.raises(ValidationError) as excinfo:
        approve(cast, recommended, day)
    assert words in " ".join(excinfo.value.messages)
    recommended.refresh_from_db()
    assert recommended.status == "recommended"
    assert PositionTitleChange.objects.filter(position=recommended.position).count() == 1


def test_a_retroactive_date_needs_a_reason_which_is_recorded(cast, recommended, fast_letter):
    before = recommended.submitted_on - timedelta(days=5)
    with pytest.raises(ValidationError, match="Reason for a retroactive date"):
        approve(cast, recommended, before)
    done = approve(cast, recommended, before, retroactive_reason="Duties assigned in October.")
    assert done.decision_effective_date == before
    assert done.retroactive_reason == "Duties assigned in October."
    done.position.refresh_from_db()
    assert done.position.title.code == TECHNICIAN_2  # in effect already


def test_approve_form_shows_the_rule_beside_the_field(client, cast, recommended):
    client.force_login(cast.supervisor)
    url = reverse("classification:reclassification_transition", args=[recommended.pk, "approve"])
    response = client.post(url, {"version": recommended.version, "effective_date": "9999-12-31"})
    assert response.status_code == 400
    assert "at most a year ahead" in response.content.decode()
    response = client.post(url, {"version": recommended.version, "effective_date": "1999-01-01"})
    assert "last changed on Apr 1, 2020" in response.content.decode()
    recommended.refresh_from_db()
    assert recommended.status == "recommended"


def test_drafts_get_the_same_bounds(client, cast):
    position = position_with_history(FacilityFactory(agency=cast.hr.agency))
    for day in (date(9999, 12, 31), date(1999, 1, 1)):
        with pytest.raises(ValidationError):
            services.create_reclassification(
                actor=cast.hr,
                position=position,
                proposed_title=title(TECHNICIAN_2),
                requested_effective_date=day,
            )
    client.force_login(cast.hr)
    response = client.post(
        reverse("classification:reclassification_create"),
        {
            "position": position.pk,
            "proposed_title": title(TECHNICIAN_2).pk,
            "requested_effective_date": "9999-12-31",
            "technicians_1_supervised": 0,
            "technicians_2_supervised": 0,
            "clerical_supervised": 0,
        },
    )
    assert response.status_code == 400
    assert "at most a year ahead" in response.content.decode()
    draft = reclassification_in("draft", hr=cast.hr, position=position)
    with pytest.raises(ValidationError, match="at most a year ahead"):
        services.update_reclassification_draft(
            actor=cast.hr,
            reclassification_id=draft.pk,
            expected_version=draft.version,
            duties=[],
            requested_effective_date=date(9999, 12, 31),
        )


# --- title changes take effect on their date --------------------------------------------


def test_a_future_approval_is_pending_until_its_day(client, cast, recommended, fast_letter):
    today = timezone.localdate()
    day = today + timedelta(days=35)
    done = approve(cast, recommended, day)
    position = done.position
    position.refresh_from_db()
    assert position.title.code == TECHNICIAN_1  # in effect today
    assert selectors.title_in_effect(position, today).code == TECHNICIAN_1
    assert selectors.title_in_effect(position, day).code == TECHNICIAN_2
    change = selectors.pending_title_change(position, today)
    assert (change.from_title.code, change.to_title.code) == (TECHNICIAN_1, TECHNICIAN_2)

    words = f"Technician 2 from {day:%b} {day.day}, {day.year}"
    client.force_login(cast.hr)
    page = client.get(position.get_absolute_url()).content.decode()
    title_cell = page.split('data-testid="title"')[1].split("</dd>")[0]
    assert "Health Information Management Technician 1" in title_cell and words in title_cell
    assert "Request reclassification" not in page  # not until the change has taken effect
    form = client.get(reverse("classification:reclassification_create")).content.decode()
    assert position.item_number not in form
    request_page = client.get(done.get_absolute_url()).content.decode()
    assert words in request_page.split('data-testid="status"')[1].split("</p>")[0]


def test_due_changes_apply_on_their_day_not_before(cast, recommended, fast_letter):
    """Across the date: the change due tomorrow is not applied today, is applied tomorrow,
    and running again (command or service) changes nothing."""
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    position = approve(cast, recommended, tomorrow).position
    assert services.apply_due_title_changes(on=today) == []
    position.refresh_from_db()
    assert position.title.code == TECHNICIAN_1

    out = io.StringIO()
    call_command("apply_due_title_changes", date=tomorrow.isoformat(), stdout=out)
    assert "1 title change(s) took effect" in out.getvalue()
    position.refresh_from_db()
    assert position.title.code == TECHNICIAN_2
    assert services.apply_due_title_changes(on=tomorrow) == []
    assert selectors.pending_title_change(position, tomorrow) is None


def test_no_new_request_while_a_change_is_pending(cast, recommended, fast_letter):
    today = timezone.localdate()
    day = today + timedelta(days=20)
    position = approve(cast, recommended, day).position
    with pytest.raises(ValidationError, match="becomes Technician 2 on"):
        services.create_reclassification(
            actor=cast.hr, position=position, proposed_title=title(ADMINISTRATOR_1)
        )


def test_drift_reads_the_chiefs_title_in_effect_on_the_day(cast, fast_letter):
    """An adult psychiatric center warrants an Administrator 3; its chief is an Administrator 2
    approved to Administrator 3 from a later day: drift "up" today, none from that day."""
    from facilities.services.counts import refresh_determinations

    facility = FacilityFactory(agency=cast.hr.agency)
    refresh_determinations([facility.pk])  # the registry's warranted title: Administrator 3
    chief = position_with_history(facility, ADMINISTRATOR_2, item="CHIEF-1")
    r = reclassification_in("recommended", hr=cast.hr, position=chief, assigned=cast.assigned)
    type(r).objects.filter(pk=r.pk).update(proposed_title=title(ADMINISTRATOR_3))
    type(r).objects.filter(pk=r.pk).update(recommended_title=title(ADMINISTRATOR_3))
    today = timezone.localdate()
    day = today + timedelta(days=10)
    approve(cast, r, day)

    def drift_on(on):
        rows = [
            x for x in reports.drift_report(cast.analyst, today=on) if x.facility.pk == facility.pk
        ]
        return rows[0].drift if rows else None

    assert drift_on(today) == "up"
    assert drift_on(day) is None
    assert selectors.chief_position(facility, today).title.code == ADMINISTRATOR_2
    assert selectors.chief_position(facility, day).title.code == ADMINISTRATOR_3
    listed = reports.with_chief(type(facility).objects.filter(pk=facility.pk), day).get()
    assert listed.chief_title_code == ADMINISTRATOR_3 and listed.drift == ""


# --- the supervision check reads the facility's actual chief ----------------------------


def assistant_request(cast, chief_code):
    """An adult psychiatric center (warrants an Administrator 3) whose chief is `chief_code`;
    a Technician 2 proposed as an Administrator 1 (an assistant to the chief)."""
    facility = FacilityFactory(agency=cast.hr.agency)
    chief = position_with_history(facility, chief_code, item=f"CH-{facility.code}")
    tech2 = position_with_history(
        facility, TECHNICIAN_2, item=f"T2-{facility.code}", reports_to=chief
    )
    r = reclassification_in("in_review", hr=cast.hr, position=tech2, assigned=cast.assigned)
    type(r).objects.filter(pk=r.pk).update(
        proposed_title=title(ADMINISTRATOR_1), current_title=title(TECHNICIAN_2)
    )
    r.refresh_from_db()
    return r, chief


def test_assistant_clause_fails_when_the_chief_is_an_administrator_2(cast):
    r, _chief = assistant_request(cast, ADMINISTRATOR_2)
    checks = selectors.supervision_checks(r.position, title(ADMINISTRATOR_1))
    assistant = checks[0]
    assert not assistant.ok
    assert "only in a facility whose chief is an Administrator 3" in assistant.message
    assert "is an Administrator 2" in assistant.message


def test_assistant_clause_passes_when_the_chief_is_an_administrator_3(client, cast):
    r, chief = assistant_request(cast, ADMINISTRATOR_3)
    checks = selectors.supervision_checks(r.position, title(ADMINISTRATOR_1))
    assert checks[0].ok and chief.item_number in checks[0].message
    client.force_login(cast.analyst)
    page = client.get(r.get_absolute_url()).content.decode()
    section = page.split('data-testid="supervision-checks"')[1].split("</ul>")[0]
    assert "OK" in section and "is an Administrator 3" in section


def test_the_request_page_reads_the_chief_in_effect_today(client, cast, fast_letter):
    """The chief is an Administrator 2 today, an Administrator 3 from a later day: the
    page's check (today) fails; the check asked about that day passes."""
    r, chief = assistant_request(cast, ADMINISTRATOR_2)
    later = timezone.localdate() + timedelta(days=30)
    services.record_title_change(
        position=chief,
        to_title=title(ADMINISTRATOR_3),
        effective_on=later,
        actor=cast.supervisor,
        today=timezone.localdate(),
    )
    client.force_login(cast.analyst)
    page = client.get(r.get_absolute_url()).content.decode()
    section = page.split('data-testid="supervision-checks"')[1].split("</ul>")[0]
    assert "Check" in section and "is an Administrator 2" in section
    on_day = selectors.supervision_checks(r.position, title(ADMINISTRATOR_1), on=later)
    assert on_day[0].ok


def test_a_decided_request_shows_the_recorded_facts_not_a_check(client, cast, fast_letter):
    r, _chief = assistant_request(cast, ADMINISTRATOR_2)
    r = services.recommend_reclassification(
        actor=cast.assigned,
        reclassification_id=r.pk,
        expected_version=r.version,
        recommendation="approve",
        rationale="Assistant to the chief.",
    )
    assert r.supervision_facts and r.supervision_facts[0]["ok"] is False
    done = approve(cast, r, timezone.localdate())
    client.force_login(cast.supervisor)
    page = client.get(done.get_absolute_url()).content.decode()
    assert 'data-testid="supervision-checks"' not in page
    facts = page.split('data-testid="supervision-facts"')[1].split("</ul>")[0]
    assert "is an Administrator 2" in facts and "Check" not in facts
