"""On PostgreSQL, several supervisors approving the same recommended request at once: the row
lock lets exactly one through, with exactly one event and one title change."""

import threading

import pytest
from django.db import connections

from classification import services
from classification.models import PositionTitleChange, ReclassificationEvent
from common.errors import Refused

from .factories import reclassification_in

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 5


def test_concurrent_approvals_let_exactly_one_through(cast, fast_letter):
    from tests.factories import supervisor_user

    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    deciders = [supervisor_user(username=f"sup-race-{i}") for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(user):
        try:
            barrier.wait()
            services.approve_reclassification(
                actor=user, reclassification_id=r.pk, expected_version=r.version
            )
            result = "ok"
        except (services.ConflictError, Refused) as exc:
            result = type(exc).__name__
        finally:
            connections.close_all()  # each thread has its own connection: close it
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(u,)) for u in deciders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes).count("ok") == 1, outcomes
    assert len(outcomes) == THREADS
    r.refresh_from_db()
    assert r.status == "approved" and r.version == 2
    assert ReclassificationEvent.objects.filter(reclassification=r, action="approve").count() == 1
    assert PositionTitleChange.objects.filter(position=r.position).count() == 1


def test_a_delegation_ended_while_the_delegate_approves_stops_the_approval(cast, fast_letter):
    """The transition reads the delegate's delegations with a row lock after the request's:
    ending the delegation first (its lock held until commit) makes the waiting approval see
    it ended, and refuse (docs/decisions/0018-delegation.md)."""
    import time

    from django.db import transaction
    from django.utils import timezone

    from facilities.models import Delegation, User
    from facilities.services.delegations import create_delegation

    today = timezone.localdate()
    d = create_delegation(
        actor=cast.supervisor,
        kind="acting_supervisor",
        delegator=cast.supervisor,
        delegate=cast.analyst,
        starts_on=today,
        ends_on=today,
    )
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    locked, outcome = threading.Event(), {}

    def end_slowly():
        try:
            with transaction.atomic():
                row = Delegation.objects.select_for_update().get(pk=d.pk)
                locked.set()
                time.sleep(0.5)  # the approval arrives and waits on this row
                row.ended_at, row.ended_by, row.version = timezone.now(), cast.supervisor, 2
                row.save()
        finally:
            connections.close_all()

    def approve():
        try:
            services.approve_reclassification(
                actor=User.objects.get(pk=cast.analyst.pk),
                reclassification_id=r.pk,
                expected_version=1,
            )
            outcome["approve"] = "ok"
        except Refused:
            outcome["approve"] = "refused"
        finally:
            connections.close_all()

    ender = threading.Thread(target=end_slowly)
    ender.start()
    locked.wait(10)
    approver = threading.Thread(target=approve)
    approver.start()
    ender.join()
    approver.join()
    assert outcome == {"approve": "refused"}
    r.refresh_from_db()
    assert r.status == "recommended"
