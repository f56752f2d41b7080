"""Atomicity, the append-only history, database guards, email on commit (and its failures),
the decision letter's content, the admin's read-only workflow and the demo data."""

import itertools

import pytest
from django.core import mail
from django.db import DatabaseError, IntegrityError, transaction

from classification import outbox, services
from classification.models import (
    AppendOnlyError,
    EmailLog,
    PositionTitleChange,
    ReclassificationEvent,
    ReclassificationRequest,
)
from tests.factories import committed

from .factories import PositionFactory, reclassification_in


def test_error_mid_approval_leaves_no_trace(cast, monkeypatch, fast_letter):
    """An error after the title change and the event (here: queueing the email) undoes them
    all; the letter, rendered only after a commit, is not even started."""
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)

    def broken(*args):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("classification.services.transitions._queue_emails", broken)
    with pytest.raises(RuntimeError):
        services.approve_reclassification(
            actor=cast.supervisor, reclassification_id=r.pk, expected_version=r.version
        )
    r.refresh_from_db()
    r.position.refresh_from_db()
    assert (r.status, r.version, r.decided_by) == ("recommended", 1, None)
    assert r.position.title.code == "3616110"
    assert not PositionTitleChange.objects.filter(position=r.position).exists()
    assert r.events.count() == 1 and not EmailLog.objects.exists()
    assert mail.outbox == [] and not r.letter


def test_events_are_append_only(cast):
    r = reclassification_in("draft", hr=cast.hr)
    event = r.events.get()
    event.message = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ReclassificationEvent.objects.filter(pk=event.pk).update(message="x")
    with pytest.raises(AppendOnlyError):
        ReclassificationEvent.objects.all().delete()


@pytest.mark.parametrize(
    "change",
    [
        {"status": "approved", "decided_by": None, "decided_at": None},  # decided, no decider
        {"status": "nonsense"},
        {"decided_by_field": "recommended_by"},  # the recommender decides
    ],
)
def test_database_guards(cast, change):
    r = reclassification_in("approved", hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor)
    if "decided_by_field" in change:
        change = {"decided_by": r.recommended_by}
    with pytest.raises(IntegrityError), transaction.atomic():
        ReclassificationRequest.objects.filter(pk=r.pk).update(**change)


def test_database_allows_one_open_request_per_position(cast):
    position = PositionFactory(facility__agency=cast.hr.agency)
    reclassification_in("withdrawn", hr=cast.hr, position=position, complete=False)
    reclassification_in("submitted", hr=cast.hr, position=position, complete=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        reclassification_in("draft", hr=cast.hr, position=position, complete=False)


def test_emails_go_to_the_right_people_from_the_outbox(cast):
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    services.request_reclassification_information(
        actor=cast.assigned,
        reclassification_id=r.pk,
        expected_version=r.version,
        message="Send the chart.",
    )
    assert mail.outbox == []  # the action only queues it
    outbox.send_due()
    assert [m.to for m in mail.outbox] == [[cast.hr.email]]
    assert "Send the chart." in mail.outbox[0].body
    services.respond_to_reclassification(
        actor=cast.hr, reclassification_id=r.pk, expected_version=r.version + 1, message="Sent."
    )
    outbox.send_due()
    assert mail.outbox[-1].to == [cast.assigned.email]
    services.recommend_reclassification(
        actor=cast.assigned,
        reclassification_id=r.pk,
        expected_version=r.version + 2,
        recommendation="deny",
        rationale="No.",
    )
    outbox.send_due()
    assert {m.to[0] for m in mail.outbox[2:]} == {cast.supervisor.email, cast.supervisor2.email}
    assert set(EmailLog.objects.values_list("status", flat=True)) == {"sent"}


def test_agency_hr_reads_the_agencys_email_not_dccs(cast, client):
    """The request page's email log: DCC staff see every email; Agency HR only what went to
    the agency's side (here the question to HR), not DCC's own notices (the recommendation
    awaiting the supervisors' decision, their addresses)."""
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    services.request_reclassification_information(
        actor=cast.assigned, reclassification_id=r.pk, expected_version=r.version, message="?"
    )
    services.respond_to_reclassification(
        actor=cast.hr, reclassification_id=r.pk, expected_version=r.version + 1, message="!"
    )
    services.recommend_reclassification(
        actor=cast.assigned,
        reclassification_id=r.pk,
        expected_version=r.version + 2,
        recommendation="deny",
        rationale="No.",
    )
    to_dcc = dict(EmailLog.objects.values_list("recipient", "to_dcc"))
    assert to_dcc == {
        cast.hr.email: False,
        cast.assigned.email: True,
        cast.supervisor.email: True,
        cast.supervisor2.email: True,
    }
    client.force_login(cast.hr)
    html = client.get(r.get_absolute_url()).content.decode()
    assert f"To {cast.hr.email}" in html
    assert cast.supervisor.email not in html and cast.assigned.email not in html
    client.force_login(cast.analyst)
    html = client.get(r.get_absolute_url()).content.decode()
    assert all(f"To {email}" in html for email in to_dcc)


def test_an_action_only_queues_its_email(cast, django_capture_on_commit_callbacks):
    """Nothing about email runs in the web request, not even after the commit."""
    r = reclassification_in("submitted", hr=cast.hr)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.assign_reclassification(
            actor=cast.supervisor,
            reclassification_id=r.pk,
            expected_version=r.version,
            analyst=cast.analyst,
        )
    assert mail.outbox == [] and callbacks == []
    assert EmailLog.objects.get().status == "queued"


def test_failed_email_is_recorded_and_shown(cast, client, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.classification.broken_mail.BrokenBackend"}}
    settings.EMAIL_MAX_ATTEMPTS = 1
    r = reclassification_in("submitted", hr=cast.hr)
    services.assign_reclassification(
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
        analyst=cast.analyst,
    )
    outbox.send_due()
    log = EmailLog.objects.get()
    assert log.status == "failed" and "mail server refused" in log.error_detail
    client.force_login(cast.supervisor)
    html = client.get(r.get_absolute_url()).content.decode()
    assert "Not sent" in html and cast.analyst.email in html
    assert "The mail server could not be reached." in html


def test_letter_names_what_the_decision_rests_on(cast, fast_letter):
    from classification.letters import letter_html
    from classification.standard import CLAUSES

    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    done = services.approve_reclassification(
        actor=cast.supervisor, reclassification_id=r.pk, expected_version=r.version
    )
    services.transitions._snapshot_determination(done)
    html = letter_html(done)
    for text in (
        done.position.item_number,
        done.position.facility.name,
        "Health Information Management Technician 1, grade 13",
        "Health Information Management Technician 2, grade 15",
        str(done.decision_effective_date.year),
        "3616110, 9/2021",
        CLAUSES["dc-tech-2"].text[:60],  # the title decided on
        # A Technician 1 -> 2 request rests on the supervision described, not the facility's
        # chief level (test_letters.py covers the Administrator titles).
        "the position supervises",
    ):
        assert text in html


def test_real_letter_is_a_pdf(cast):
    import hashlib

    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    done = committed(  # the letter is stored after the commit
        services.deny_reclassification,
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
        message="No.",
    )
    data = done.letter.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == done.letter_sha256


def test_admin_cannot_change_workflow(cast, client):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    r = reclassification_in("submitted", hr=cast.hr)
    client.force_login(admin)
    url = f"/admin/classification/reclassificationrequest/{r.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    client.post(url, {"status": "approved"})
    r.refresh_from_db()
    assert r.status == "submitted"
    assert (
        client.get(f"/admin/classification/reclassificationrequest/{r.pk}/delete/").status_code
        == 403
    )
    event = r.events.get()
    assert (
        client.get(f"/admin/classification/reclassificationevent/{event.pk}/delete/").status_code
        == 403
    )


@pytest.mark.django_db
def test_demo_seed_covers_every_state_and_is_idempotent(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    from classification.workflow import STATUSES

    statuses = set(ReclassificationRequest.objects.values_list("status", flat=True))
    assert statuses == set(STATUSES)  # every state, the employee's agency comment included
    from classification.models import Appeal

    # Appeals in each of their states (decision 0021-appeals); the decided one reversed the
    # denial, so its position took the proposed title through the title history.
    assert set(Appeal.objects.values_list("status", flat=True)) == {
        "filed",
        "transmitted",
        "decided",
        "closed",
    }
    assert all(a.packet for a in Appeal.objects.exclude(status="filed"))
    reversed_ = Appeal.objects.get(outcome="reversed")
    assert reversed_.reclassification.position.title == reversed_.outcome_title
    from classification.selectors import with_turnaround

    assert with_turnaround(ReclassificationRequest.objects.all()).filter(is_overdue=True).exists()
    for r in ReclassificationRequest.objects.all():
        events = list(r.events.order_by("at", "pk"))
        assert events[-1].to_status == r.status
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(events))


def test_send_queued_emails_command_sends_what_is_due(cast):
    from io import StringIO

    from django.core.management import call_command

    r = reclassification_in("submitted", hr=cast.hr)
    queued = EmailLog.objects.create(
        reclassification=r, recipient="a@example.ny.gov", subject="s", body="b"
    )
    failed = EmailLog.objects.create(
        reclassification=r, recipient="b@example.ny.gov", subject="s", body="b", status="failed"
    )
    out = StringIO()
    call_command("send_queued_emails", stdout=out)
    assert [m.to for m in mail.outbox] == [["a@example.ny.gov"]]
    assert out.getvalue().startswith("1 sent")
    queued.refresh_from_db()
    failed.refresh_from_db()
    assert (queued.status, queued.attempts) == ("sent", 1)
    assert (failed.status, failed.attempts) == ("failed", 0)  # given up: not sent again


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE classification_reclassificationevent SET message = 'x'",
        "DELETE FROM classification_reclassificationevent",
    ],
)
def test_the_database_refuses_history_changes_even_in_raw_sql(cast, sql):
    from django.db import connection

    reclassification_in("draft", hr=cast.hr)
    with (
        # The site's role has no UPDATE or DELETE on the history (decision 0016); the owner is
        # stopped by the append-only trigger instead (tests/ops/test_db_roles.py).
        pytest.raises(DatabaseError, match=r"permission denied|Cannot update or delete rows"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
