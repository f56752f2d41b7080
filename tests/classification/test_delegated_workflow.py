"""Acting for someone else (docs/decisions/0018-delegation.md), on PostgreSQL: an acting
supervisor approves, denies and returns for the supervisor who named them, a covering analyst
works an absent analyst's requests; the event, the email, the page and the letter say "for X,
by Y", and nobody decides what they recommended or recommended for."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from classification import letters, selectors, services, workflow
from classification.models import DelegatedAct, EmailLog, ReclassificationRequest
from common.errors import Refused
from facilities.models import Delegation, User
from facilities.services.delegations import create_delegation, end_delegation
from tests.factories import analyst_user

from .factories import reclassification_in

pytestmark = pytest.mark.django_db

ACTING = Delegation.Kind.ACTING_SUPERVISOR
COVER = Delegation.Kind.ANALYST_COVER


def fresh(user: User) -> User:
    """The user as a new request would load them (their delegations read afresh)."""
    return User.objects.get(pk=user.pk)


def name(cast, kind, delegator, delegate, start=None, end=None):
    today = timezone.localdate()
    return create_delegation(
        actor=cast.supervisor,
        kind=kind,
        delegator=delegator,
        delegate=delegate,
        starts_on=start or today,
        ends_on=end or today + timedelta(days=3),
    )


@pytest.fixture
def acting(cast):
    """`cast.analyst` is acting supervisor for `cast.supervisor` from today."""
    cast.supervisor.first_name, cast.supervisor.last_name = "Sam", "Supervisor"
    cast.supervisor.job_title = "Director, Division of Classification & Compensation"
    cast.supervisor.save()
    cast.analyst.first_name, cast.analyst.last_name = "Jordan", "Acting"
    cast.analyst.save()
    return name(cast, ACTING, cast.supervisor, cast.analyst)


DECISIONS = [
    ("approve", services.approve_reclassification, {}, "approved"),
    ("deny", services.deny_reclassification, {"message": "No."}, "denied"),
    (
        "return_to_analyst",
        services.return_reclassification_to_analyst,
        {"message": "Again."},
        "in_review",
    ),
]


@pytest.mark.parametrize(("action", "service", "kwargs", "status"), DECISIONS)
def test_an_acting_supervisor_decides_for_the_supervisor(
    cast, acting, fast_letter, action, service, kwargs, status
):
    """The event is the delegate's, with a delegated act naming the supervisor; the request
    says who it was decided for; the email says "for X, by Y"."""
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    service(
        actor=fresh(cast.analyst), reclassification_id=r.pk, expected_version=r.version, **kwargs
    )
    r.refresh_from_db()
    assert r.status == status
    event = r.events.get(action=action)
    assert event.actor == cast.analyst
    act = DelegatedAct.objects.get(event=event)
    assert (act.acted_for, act.delegation) == (cast.supervisor, acting)
    if status != "in_review":
        assert (r.decided_by, r.decided_for) == (cast.analyst, cast.supervisor)
    mail = EmailLog.objects.get(event=event)
    assert "for Sam Supervisor, by Jordan Acting." in mail.body


def test_the_acting_supervisor_may_not_assign(cast, acting):
    """Only approve, deny and return are delegated: assigning stays with supervisors."""
    r = reclassification_in("submitted", hr=cast.hr)
    with pytest.raises(Refused):
        services.assign_reclassification(
            actor=fresh(cast.analyst),
            reclassification_id=r.pk,
            expected_version=r.version,
            analyst=cast.assigned,
        )


def test_without_a_delegation_in_effect_an_analyst_cannot_decide(cast, fast_letter):
    tomorrow = timezone.localdate() + timedelta(days=1)
    name(cast, ACTING, cast.supervisor, cast.analyst, start=tomorrow, end=tomorrow)
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    with pytest.raises(Refused, match="supervisor"):
        services.approve_reclassification(
            actor=fresh(cast.analyst), reclassification_id=r.pk, expected_version=r.version
        )


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("boundary", "seconds", "allowed"),
    [
        ("first", -1, False),  # 23:59:59 New York time, the evening before the first day
        ("first", 0, True),  # midnight starting the first day
        ("after", -1, True),  # the last second of the last day
        ("after", 0, False),  # midnight starting the day after
    ],
)
def test_the_service_judges_the_days_by_new_york_midnight(
    cast, fast_letter, boundary, seconds, allowed
):
    """A delegation for June 1 and 2 next year (daylight time: New York midnight is 04:00 UTC)."""
    first = date(timezone.localdate().year + 1, 6, 1)
    create_delegation(
        actor=cast.supervisor,
        kind=ACTING,
        delegator=cast.supervisor,
        delegate=cast.analyst,
        starts_on=first,
        ends_on=first + timedelta(days=1),
    )
    day = first if boundary == "first" else first + timedelta(days=2)
    midnight = datetime(day.year, day.month, day.day, tzinfo=NEW_YORK)
    moment = (midnight + timedelta(seconds=seconds)).astimezone(UTC)
    assert midnight.utcoffset() == timedelta(hours=-4)
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        if allowed:
            services.deny_reclassification(
                actor=fresh(cast.analyst),
                reclassification_id=r.pk,
                expected_version=1,
                message="No.",
            )
        else:
            with pytest.raises(Refused):
                services.deny_reclassification(
                    actor=fresh(cast.analyst),
                    reclassification_id=r.pk,
                    expected_version=1,
                    message="No.",
                )
    r.refresh_from_db()
    assert (r.status == "denied") is allowed


def test_the_recommender_who_is_the_delegate_cannot_decide(cast, acting, fast_letter):
    """The two-person rule holds for the person who acts: the analyst recommended it, so
    being acting supervisor does not let them decide it (and the page offers no button)."""
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.analyst)
    delegate = fresh(cast.analyst)
    assert workflow.allowed_transitions(delegate, r) == [
        workflow.TRANSITIONS_BY_ACTION["return_to_analyst"]
    ]
    with pytest.raises(Refused, match="You recommended this request"):
        services.approve_reclassification(
            actor=delegate, reclassification_id=r.pk, expected_version=r.version
        )
    r.refresh_from_db()
    assert r.status == "recommended" and not r.events.filter(action="approve").exists()


def test_nobody_decides_for_the_supervisor_who_recommended(cast, acting, fast_letter):
    """A supervisor who recommended (as the assigned analyst) cannot have their acting
    supervisor decide it for them; the database refuses it too."""
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.supervisor)
    with pytest.raises(Refused, match="act for the supervisor who recommended"):
        services.deny_reclassification(
            actor=fresh(cast.analyst), reclassification_id=r.pk, expected_version=1, message="No."
        )
    with (
        pytest.raises(IntegrityError, match="never_decided_for_the_recommender"),
        transaction.atomic(),
    ):
        ReclassificationRequest.objects.filter(pk=r.pk).update(
            status="denied",
            decided_by=cast.analyst,
            decided_for=cast.supervisor,
            decided_at=timezone.now(),
        )


def test_a_supervisor_in_their_own_right_acts_for_nobody(cast, fast_letter):
    """A supervisor named acting supervisor decides as themselves: no delegated act."""
    name(cast, ACTING, cast.supervisor, cast.supervisor2)
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    services.approve_reclassification(
        actor=fresh(cast.supervisor2), reclassification_id=r.pk, expected_version=1
    )
    r.refresh_from_db()
    assert r.decided_for is None and not DelegatedAct.objects.exists()


# --- a covering analyst -----------------------------------------------------------------------


@pytest.fixture
def cover(cast):
    """`cast.analyst` covers `cast.assigned`'s queue from today."""
    cast.assigned.first_name, cast.assigned.last_name = "Alex", "Away"
    cast.assigned.save()
    return name(cast, COVER, cast.assigned, cast.analyst)


def test_a_covering_analyst_works_the_request_without_reassigning_it(cast, cover):
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    services.recommend_reclassification(
        actor=fresh(cast.analyst),
        reclassification_id=r.pk,
        expected_version=r.version,
        recommendation="approve",
        rationale="Fits.",
    )
    r.refresh_from_db()
    assert r.assigned_to == cast.assigned  # still theirs
    assert (r.recommended_by, r.recommended_for) == (cast.analyst, cast.assigned)
    assert r.events.get(action="recommend").delegated_act.acted_for == cast.assigned


def test_neither_the_covering_analyst_nor_the_one_they_cover_decides(cast, fast_letter):
    """A covering analyst recommends for a supervisor who is away from their queue; the
    covering analyst is also acting supervisor. Neither of the two may decide it; another
    supervisor may."""
    name(cast, COVER, cast.supervisor2, cast.analyst)
    name(cast, ACTING, cast.supervisor, cast.analyst)
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.supervisor2)
    services.recommend_reclassification(
        actor=fresh(cast.analyst),
        reclassification_id=r.pk,
        expected_version=r.version,
        recommendation="deny",
        rationale="Does not fit.",
    )
    for person in (cast.analyst, cast.supervisor2):
        with pytest.raises(Refused, match="recommended"):
            services.deny_reclassification(
                actor=fresh(person), reclassification_id=r.pk, expected_version=None, message="No."
            )
    services.deny_reclassification(
        actor=fresh(cast.supervisor), reclassification_id=r.pk, expected_version=None, message="No."
    )


def test_cover_reaches_only_the_absent_analysts_requests(cast, cover):
    other = analyst_user(username="other-t")
    r = reclassification_in("in_review", hr=cast.hr, assigned=other)
    with pytest.raises(Refused):
        services.request_reclassification_information(
            actor=fresh(cast.analyst),
            reclassification_id=r.pk,
            expected_version=1,
            message="Chart?",
        )


def test_my_work_includes_the_covered_queue_labelled(cast, cover, client):
    """The covering analyst's "Mine" tab and its count hold the absent analyst's open
    requests, each labelled "covering for …"; the absent analyst's own queue is unchanged."""
    covered = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    own = reclassification_in("in_review", hr=cast.hr, assigned=cast.analyst)
    reclassification_in("approved", hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor)
    delegate = fresh(cast.analyst)
    assert set(selectors.reclassification_queue(delegate, "mine")) == {covered, own}
    assert selectors.tab_counts(delegate)["mine"] == 2
    assert set(selectors.reclassification_queue(fresh(cast.assigned), "mine")) == {covered}
    client.force_login(cast.analyst)
    page = client.get(reverse("classification:reclassification_list") + "?tab=mine")
    assert page.content.decode().count("covering for Alex Away") == 1


def test_ending_the_cover_ends_it_at_once_in_view_and_service(cast, cover, client):
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    client.force_login(cast.analyst)
    url = reverse("classification:reclassification_transition", args=[r.pk, "request_information"])
    assert client.get(url).status_code == 200
    end_delegation(actor=cast.supervisor, delegation_id=cover.pk, expected_version=1)
    assert client.get(url).status_code == 302  # refused with a message
    client.post(url, {"message": "Chart?", "version": r.version})
    r.refresh_from_db()
    assert r.status == "in_review" and r.version == 1
    assert selectors.reclassification_queue(fresh(cast.analyst), "mine").count() == 0


# --- what people read -------------------------------------------------------------------------


def test_the_letter_is_signed_acting_for_the_supervisor(cast, acting, fast_letter):
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    services.approve_reclassification(
        actor=fresh(cast.analyst), reclassification_id=r.pk, expected_version=1
    )
    r.refresh_from_db()
    signer = letters.decision_letter(r).signer
    assert signer[0] == "Jordan Acting"
    assert (
        "Acting for Sam Supervisor, Director, Division of Classification & Compensation" in signer
    )


def test_the_request_page_says_for_whom_and_by_whom(cast, acting, fast_letter, client):
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    services.approve_reclassification(
        actor=fresh(cast.analyst), reclassification_id=r.pk, expected_version=1
    )
    client.force_login(cast.hr)
    html = client.get(r.get_absolute_url()).content.decode()
    assert "for Sam Supervisor, by Jordan Acting (acting supervisor)" in html  # the decision
    assert "for Sam Supervisor, by Jordan Acting" in html.split('data-testid="timeline"')[1]


def test_the_covering_analyst_may_attach_files_while_reviewing(cast, cover):
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    assert services.can_attach(fresh(cast.analyst), r)
    assert not services.can_attach(fresh(analyst_user(username="nobody-t")), r)


def test_acting_supervisors_hear_of_a_new_recommendation(cast, acting):
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    services.recommend_reclassification(
        actor=fresh(cast.assigned),
        reclassification_id=r.pk,
        expected_version=r.version,
        recommendation="approve",
        rationale="Fits.",
    )
    recipients = set(
        EmailLog.objects.filter(reclassification=r).values_list("recipient", flat=True)
    )
    assert {cast.supervisor.email, cast.supervisor2.email, cast.analyst.email} == recipients
