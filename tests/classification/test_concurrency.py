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
