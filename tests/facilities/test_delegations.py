"""Delegations (docs/decisions/0018-delegation.md): who may name whom, for which days, and
the database's guard against overlapping ones, on PostgreSQL. The acts a delegate takes on
requests are in tests/classification/test_delegated_workflow.py."""

import io
import threading
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connections, transaction

from common.audit import AppendOnlyError
from facilities import roles
from facilities.models import Delegation, DelegationEvent, User
from facilities.selectors import authority_of, delegations_in_effect
from facilities.services.delegations import (
    DelegationConflict,
    DelegationNotAllowed,
    change_delegation,
    create_delegation,
    end_delegation,
)
from tests.factories import UserFactory, analyst_user, hr_user, supervisor_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
ACTING = Delegation.Kind.ACTING_SUPERVISOR
COVER = Delegation.Kind.ANALYST_COVER


@pytest.fixture
def people(db):
    class People:
        supervisor = supervisor_user(username="sup-d", first_name="Sam", last_name="Supervisor")
        supervisor2 = supervisor_user(username="sup2-d")
        analyst = analyst_user(username="ana-d", first_name="Jordan", last_name="Analyst")
        analyst2 = analyst_user(username="ana2-d")
        admin = UserFactory(username="admin-d", is_superuser=True, is_staff=True)
        hr = hr_user("OMH", username="hr-d")

    return People


def acting(people, start=TODAY, end=TODAY + timedelta(days=4), **kw):
    """Sam names Jordan acting supervisor (the usual case), `today` being TODAY."""
    args = {
        "actor": people.supervisor,
        "kind": ACTING,
        "delegator": people.supervisor,
        "delegate": people.analyst,
        "starts_on": start,
        "ends_on": end,
        "today": TODAY,
    }
    return create_delegation(**{**args, **kw})


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_a_supervisor_names_their_acting_supervisor_and_it_is_recorded(people):
    """The delegation and a `create` event with its people and days."""
    d = acting(people, note="Annual leave")
    event = DelegationEvent.objects.get(delegation=d)
    assert (event.action, event.actor, event.delegator, event.delegate) == (
        "create",
        people.supervisor,
        people.supervisor,
        people.analyst,
    )
    assert (event.starts_on, event.ends_on, event.note) == (d.starts_on, d.ends_on, "Annual leave")


@pytest.mark.parametrize(
    ("actor", "kind", "delegator", "allowed"),
    [
        ("supervisor", ACTING, "supervisor", True),  # their own acting supervisor
        ("supervisor", ACTING, "supervisor2", False),  # not another supervisor's
        ("supervisor", COVER, "analyst2", True),  # cover for any analyst's queue
        ("admin", ACTING, "supervisor2", True),  # an administrator: anyone
        ("admin", COVER, "analyst2", True),
        ("analyst", COVER, "analyst2", False),  # analysts name nobody
        ("analyst2", ACTING, "supervisor", False),
        ("hr", COVER, "analyst2", False),
    ],
)
def test_who_may_name_whom(people, actor, kind, delegator, allowed):
    """The service asks `permissions.can_manage_delegation` itself, whatever the view did."""
    delegate = people.analyst if delegator != "analyst" else people.analyst2
    call = lambda: create_delegation(  # noqa: E731
        actor=getattr(people, actor),
        kind=kind,
        delegator=getattr(people, delegator),
        delegate=delegate,
        starts_on=TODAY,
        ends_on=TODAY,
        today=TODAY,
    )
    if allowed:
        assert call().pk
    else:
        with pytest.raises(DelegationNotAllowed):
            call()
        assert not Delegation.objects.exists()


def test_nobody_delegates_to_themselves_service_and_database(people):
    with pytest.raises(ValidationError, match="themselves"):
        acting(people, delegate=people.supervisor)
    with pytest.raises(IntegrityError, match="delegation_not_to_oneself"), transaction.atomic():
        Delegation.objects.create(
            kind=ACTING,
            delegator=people.supervisor,
            delegate=people.supervisor,
            starts_on=TODAY,
            ends_on=TODAY,
            created_by=people.supervisor,
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_on": TODAY - timedelta(days=1)}, "past"),
        ({"ends_on": TODAY - timedelta(days=1)}, "before the first day"),
        ({"delegate": "hr"}, "analyst or supervisor"),
        ({"delegator": "analyst2", "actor": "admin"}, "Only a classification supervisor"),
    ],
)
def test_dates_and_roles_are_checked(people, change, message):
    kw = {k: getattr(people, v) if isinstance(v, str) else v for k, v in change.items()}
    with pytest.raises(ValidationError, match=message):
        acting(people, **kw)


def test_overlapping_delegations_for_the_same_person_are_refused(people):
    """Any shared day, the first and the last included; days next to each other are fine, and
    so are another kind, another person, or one that was ended early."""
    first = acting(people, start=TODAY, end=TODAY + timedelta(days=4))
    with pytest.raises(ValidationError, match="already has someone acting"):
        acting(
            people,
            delegate=people.analyst2,
            start=TODAY + timedelta(days=4),
            end=TODAY + timedelta(days=9),
        )
    with pytest.raises(ValidationError, match="already has someone acting"):
        acting(people, delegate=people.analyst2, start=TODAY - timedelta(days=0), end=TODAY)
    acting(
        people,
        delegate=people.analyst2,
        start=TODAY + timedelta(days=5),
        end=TODAY + timedelta(days=9),
    )
    create_delegation(
        actor=people.supervisor,
        kind=COVER,
        delegator=people.supervisor,
        delegate=people.analyst2,
        starts_on=TODAY,
        ends_on=TODAY,
        today=TODAY,
    )
    end_delegation(actor=people.supervisor, delegation_id=first.pk, expected_version=1, today=TODAY)
    assert acting(people, delegate=people.analyst2, start=TODAY, end=TODAY + timedelta(days=1)).pk


def test_the_database_refuses_an_overlap_the_service_never_saw(people):
    """The exclusion constraint on daterange(starts_on, ends_on, '[]'): a shared last day."""
    acting(people, start=TODAY, end=TODAY + timedelta(days=2))
    with pytest.raises(IntegrityError, match="delegation_no_overlap"), transaction.atomic():
        Delegation.objects.create(
            kind=ACTING,
            delegator=people.supervisor,
            delegate=people.analyst2,
            starts_on=TODAY + timedelta(days=2),
            ends_on=TODAY + timedelta(days=3),
            created_by=people.supervisor,
        )


def test_no_chains(people):
    """Someone acting for another on those days cannot delegate onward, and someone away
    cannot be named to act."""
    sup_b = supervisor_user(username="sup-b")
    acting(people, delegate=sup_b)  # Sam -> B
    with pytest.raises(ValidationError, match="cannot delegate onward"):
        acting(people, actor=sup_b, delegator=sup_b, delegate=people.analyst2)
    # Outside the days B acts for Sam, B may name their own acting supervisor.
    later = TODAY + timedelta(days=5)
    acting(people, actor=sup_b, delegator=sup_b, delegate=people.analyst2, start=later, end=later)
    with pytest.raises(ValidationError, match="cannot act for anyone"):
        acting(
            people,
            actor=people.admin,
            delegator=people.supervisor2,
            delegate=sup_b,
            start=later,
            end=later,
        )


def test_it_starts_and_ends_by_the_calendar(people):
    """In effect from the first day to the last, both included; nothing has to run."""
    d = acting(people, start=TODAY + timedelta(days=1), end=TODAY + timedelta(days=3))
    expected = {0: False, 1: True, 2: True, 3: True, 4: False}
    for offset, in_effect in expected.items():
        authority = authority_of(people.analyst, TODAY + timedelta(days=offset))
        assert bool(authority.acting_for) is in_effect, offset
    assert (
        authority_of(people.analyst, TODAY + timedelta(days=1)).acting_for[0].delegation_id == d.pk
    )


@pytest.mark.parametrize(
    ("utc", "in_effect"),
    [
        # 2026-03-10 and 2026-03-12 are Eastern Daylight Time days (UTC-4).
        (datetime(2026, 3, 10, 3, 59, 59, tzinfo=UTC), False),  # 23:59:59 on the 9th in NY
        (datetime(2026, 3, 10, 4, 0, 0, tzinfo=UTC), True),  # midnight starting the 10th
        (datetime(2026, 3, 13, 3, 59, 59, tzinfo=UTC), True),  # the last second of the 12th
        (datetime(2026, 3, 13, 4, 0, 0, tzinfo=UTC), False),  # midnight starting the 13th
    ],
)
def test_days_are_new_york_days(people, utc, in_effect):
    acting(people, start=date(2026, 3, 10), end=date(2026, 3, 12), today=date(2026, 3, 9))
    with mock.patch("django.utils.timezone.now", return_value=utc):
        assert bool(fresh(people.analyst).authority.acting_for) is in_effect


def test_a_delegator_no_longer_a_supervisor_delegates_nothing(people):
    acting(people)
    people.supervisor.groups.clear()
    assert authority_of(people.analyst, TODAY).acting_for == ()


def test_in_effect_of_one_kind_checks_that_kind_s_role(people):
    """Asked for one kind, only that kind, and only while its delegator holds its role: an
    acting supervisor while the delegator is a supervisor, a cover while the delegator is an
    analyst or a supervisor."""
    sam_acting = acting(people)
    cover = {"actor": people.admin, "kind": COVER}
    jordan_cover = acting(people, **cover, delegator=people.analyst2, delegate=people.analyst)
    other = analyst_user(username="ana3-d")
    supervisor_cover = acting(people, **cover, delegator=people.supervisor2, delegate=other)
    assert set(delegations_in_effect(TODAY)) == {sam_acting, jordan_cover, supervisor_cover}
    assert list(delegations_in_effect(TODAY, ACTING)) == [sam_acting]
    assert set(delegations_in_effect(TODAY, COVER)) == {jordan_cover, supervisor_cover}
    # Sam, an analyst now and no longer a supervisor, names no acting supervisor.
    people.supervisor.groups.set([Group.objects.get(name=roles.ANALYST)])
    assert list(delegations_in_effect(TODAY, ACTING)) == []
    people.analyst2.groups.clear()
    assert list(delegations_in_effect(TODAY, COVER)) == [supervisor_cover]
    assert set(delegations_in_effect(TODAY)) == {supervisor_cover}
    with pytest.raises(ValueError, match="no such kind"):
        delegations_in_effect(TODAY, "deputy")


def test_change_and_end_early_are_recorded(people):
    """A delegation in effect keeps its first day; its last day moves; ending it early stops
    it at once; each write is a history row."""
    d = acting(people, start=TODAY, end=TODAY + timedelta(days=2))
    with pytest.raises(ValidationError, match="first day stays"):
        change_delegation(
            actor=people.supervisor,
            delegation_id=d.pk,
            expected_version=1,
            starts_on=TODAY + timedelta(days=1),
            ends_on=TODAY + timedelta(days=2),
            today=TODAY,
        )
    change_delegation(
        actor=people.supervisor,
        delegation_id=d.pk,
        expected_version=1,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=6),
        today=TODAY,
    )
    with pytest.raises(DelegationConflict):
        end_delegation(actor=people.supervisor, delegation_id=d.pk, expected_version=1, today=TODAY)
    end_delegation(actor=people.admin, delegation_id=d.pk, expected_version=2, today=TODAY)
    assert authority_of(people.analyst, TODAY).acting_for == ()
    rows = list(DelegationEvent.objects.filter(delegation=d).order_by("pk"))
    assert [(e.action, e.actor.username, e.ends_on) for e in rows] == [
        ("create", "sup-d", TODAY + timedelta(days=2)),
        ("change", "sup-d", TODAY + timedelta(days=6)),
        ("end", "admin-d", TODAY + timedelta(days=6)),
    ]
    with pytest.raises(ValidationError, match="already over"):
        end_delegation(actor=people.admin, delegation_id=d.pk, expected_version=3, today=TODAY)


def test_another_supervisor_cannot_change_or_end_my_acting_supervisor(people):
    d = acting(people)
    with pytest.raises(DelegationNotAllowed):
        end_delegation(
            actor=people.supervisor2, delegation_id=d.pk, expected_version=1, today=TODAY
        )


def test_history_is_append_only_and_verifies(people):
    d = acting(people)
    event = DelegationEvent.objects.get(delegation=d)
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        DelegationEvent.objects.filter(pk=event.pk).update(note="x")
    with (
        # The site's role may not UPDATE an audit table at all; were it the owner, the trigger
        # refuses (the owner's case for every chained table: tests/facilities/test_audit.py).
        pytest.raises(DatabaseError, match=r"permission denied|Cannot update or delete rows"),
        transaction.atomic(),
        connections["default"].cursor() as c,
    ):
        c.execute("UPDATE facilities_delegationevent SET note = 'x' WHERE id = %s", [event.pk])
    call_command("verify_audit", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_overlap_refused_by_the_constraint_under_a_race(people):
    """Two transactions insert overlapping delegations at once, neither seeing the other: the
    second waits on the exclusion constraint and fails once the first commits."""
    inserted = threading.Event()
    outcomes: dict[str, str] = {}

    def insert(name: str, delegate: User, start: date, hold: bool) -> None:
        try:
            with transaction.atomic():
                Delegation.objects.create(
                    kind=ACTING,
                    delegator=people.supervisor,
                    delegate=delegate,
                    starts_on=start,
                    ends_on=start + timedelta(days=3),
                    created_by=people.supervisor,
                )
                if hold:
                    inserted.set()
                    threading.Event().wait(0.5)  # the other one arrives meanwhile
            outcomes[name] = "ok"
        except IntegrityError as exc:
            outcomes[name] = "refused" if "delegation_no_overlap" in str(exc) else str(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=insert, args=("first", people.analyst, TODAY, True))
    first.start()
    inserted.wait(10)
    second = threading.Thread(
        target=insert, args=("second", people.analyst2, TODAY + timedelta(days=3), False)
    )
    second.start()
    first.join()
    second.join()
    assert outcomes == {"first": "ok", "second": "refused"}
    assert Delegation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_names_at_once_through_the_service(people):
    """Five supervisors' pages post at once: exactly one delegation, the rest a message."""
    delegates = [analyst_user(username=f"race-{i}") for i in range(5)]
    barrier = threading.Barrier(len(delegates))
    outcomes: list[str] = []

    def name(delegate):
        try:
            barrier.wait()
            create_delegation(
                actor=people.admin,
                kind=ACTING,
                delegator=people.supervisor,
                delegate=delegate,
                starts_on=TODAY,
                ends_on=TODAY + timedelta(days=1),
                today=TODAY,
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=name, args=(d,)) for d in delegates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 4
    assert Delegation.objects.count() == DelegationEvent.objects.count() == 1


# --- how long, and how its dates are written --------------------------------------------------


def test_a_delegation_lasts_a_year_at_most(people):
    """The last day may be the same day a year on, not the day after; the sentence names the
    latest last day as the pages write dates. Changing the dates is held to the same bound."""
    longest = acting(people, end=date(2027, 3, 10))
    assert longest.ends_on == date(2027, 3, 10)
    end_delegation(
        actor=people.supervisor, delegation_id=longest.pk, expected_version=1, today=TODAY
    )
    with pytest.raises(ValidationError) as exc:
        acting(people, end=date(2027, 3, 11))
    assert exc.value.message_dict == {
        "ends_on": [
            "A delegation can last a year at most: choose Mar 10, 2027 or earlier as the last day."
        ]
    }
    d = acting(people, delegate=people.analyst2)
    with pytest.raises(ValidationError, match="choose Mar 10, 2027 or earlier"):
        change_delegation(
            actor=people.supervisor,
            delegation_id=d.pk,
            expected_version=d.version,
            starts_on=d.starts_on,
            ends_on=date(2030, 1, 1),
            today=TODAY,
        )
    d.refresh_from_db()
    assert d.ends_on == TODAY + timedelta(days=4) and d.version == 1


def test_a_year_from_february_29_ends_on_february_28(people):
    from facilities.models.delegations import latest_last_day

    assert latest_last_day(date(2028, 2, 29)) == date(2029, 2, 28)
    assert latest_last_day(date(9999, 6, 1)) == date.max  # no year after it, and no crash
    with pytest.raises(ValidationError, match="choose Feb 28, 2029 or earlier"):
        acting(people, start=date(2028, 2, 29), end=date(2029, 3, 1))


def test_the_overlap_sentence_writes_dates_as_the_pages_do(people):
    """Dates as the pages write them ("Mar 10, 2026", never "2026-03-10"); the row's name too."""
    d = acting(people, start=TODAY, end=TODAY + timedelta(days=4))
    with pytest.raises(ValidationError) as exc:
        acting(people, delegate=people.analyst2, start=TODAY + timedelta(days=2))
    sentence = " ".join(exc.value.messages)
    assert "(Mar 10, 2026 to Mar 14, 2026)" in sentence and "2026-03" not in sentence
    assert str(d).endswith(": Jordan Analyst, Mar 10, 2026 to Mar 14, 2026")
