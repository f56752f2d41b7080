"""Each position's latest title change (decision 0026), kept by a trigger on the history: the
last change in the history's order, whatever order the changes are recorded in, pending ones
included; the drift report reads a title from it only on a day when that change is in effect."""

from datetime import date, timedelta

import pytest

from classification import services
from classification.models import LatestTitleChange, PositionTitleChange
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    TECHNICIAN_1,
)
from tests.factories import FacilityFactory
from tests.ops.invariants import rows_breaking

from .factories import title

pytestmark = pytest.mark.django_db

RULE = "each position's latest title change is the last of its history"
TODAY = date(2026, 6, 15)


def change(position, code, effective_on):
    return services.record_title_change(
        position=position, to_title=title(code), effective_on=effective_on, actor=None, today=TODAY
    )


def latest(position) -> tuple:
    row = LatestTitleChange.objects.get(position=position)
    return row.change_id, row.to_title.code, row.effective_on


def test_the_latest_change_is_the_last_in_the_historys_order():
    position = services.create_position(
        item_number="L-1",
        facility=FacilityFactory(),
        title=title(TECHNICIAN_1),
        effective_on=date(2020, 4, 1),
    )
    first = PositionTitleChange.objects.get(position=position)
    assert latest(position) == (first.pk, TECHNICIAN_1, date(2020, 4, 1))

    pending = change(position, ADMINISTRATOR_2, TODAY + timedelta(days=30))
    assert latest(position) == (pending.pk, ADMINISTRATOR_2, TODAY + timedelta(days=30))

    # Recorded later, effective earlier: the pending change stays the latest.
    change(position, ADMINISTRATOR_1, TODAY - timedelta(days=10))
    assert latest(position) == (pending.pk, ADMINISTRATOR_2, TODAY + timedelta(days=30))

    # The same effective date, recorded later: the later record is the latest.
    again = change(position, ADMINISTRATOR_3, TODAY + timedelta(days=30))
    assert latest(position) == (again.pk, ADMINISTRATOR_3, TODAY + timedelta(days=30))
    assert rows_breaking(RULE) == []


def test_each_position_has_its_own_and_the_check_finds_a_wrong_one():
    facility = FacilityFactory()
    a, b = (
        services.create_position(
            item_number=f"L-{n}",
            facility=facility,
            title=title(TECHNICIAN_1),
            effective_on=date(2020, 4, 1),
        )
        for n in (2, 3)
    )
    change(a, ADMINISTRATOR_1, TODAY)
    assert latest(a)[1] == ADMINISTRATOR_1 and latest(b)[1] == TECHNICIAN_1
    assert rows_breaking(RULE) == []

    # Written by hand past the trigger, the copy is wrong, and the invariant says which.
    LatestTitleChange.objects.filter(position=b).update(to_title=title(ADMINISTRATOR_3))
    assert rows_breaking(RULE) == [(b.pk,)]
    LatestTitleChange.objects.filter(position=a).delete()
    assert sorted(rows_breaking(RULE)) == sorted([(a.pk,), (b.pk,)])
