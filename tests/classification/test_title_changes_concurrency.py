"""On PostgreSQL, two daily runs of `apply_due_title_changes` at once: each position locked,
read again under the lock, changed once; the second run finds nothing left to do."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from classification import services
from classification.standard import TECHNICIAN_1, TECHNICIAN_2
from tests.factories import FacilityFactory

from .factories import title

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_runs_at_once_change_each_position_once(cast):
    today = timezone.localdate()
    due = today + timedelta(days=3)
    facility = FacilityFactory(agency=cast.hr.agency)
    positions = []
    for i in range(6):
        p = services.create_position(
            item_number=f"RUN-{i}",
            facility=facility,
            title=title(TECHNICIAN_1),
            effective_on=date(2020, 4, 1),
        )
        services.record_title_change(
            position=p, to_title=title(TECHNICIAN_2), effective_on=due, actor=None, today=today
        )
        positions.append(p)
    barrier = threading.Barrier(2)
    results: list[list[int]] = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            changed = [p.pk for p in services.apply_due_title_changes(on=due)]
        finally:
            connections.close_all()
        with lock:
            results.append(changed)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    applied = sorted(results[0] + results[1])
    assert applied == sorted(p.pk for p in positions)  # each once, by one run or the other
    for p in positions:
        p.refresh_from_db()
        assert p.title.code == TECHNICIAN_2
    assert services.apply_due_title_changes(on=due) == []
