"""Each facility's chief position by its positions' latest titles (decision 0028), kept by
statement triggers on the positions, their latest changes and the titles: whatever writes them,
the table is the ranking the invariant works out again, and the drift report names the chief
`selectors.chief_position` names on every day, pending changes included."""

from datetime import date, timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from classification import reports, selectors, services
from classification.models import (
    FacilityChief,
    LatestTitleChange,
    Position,
    PositionTitleChange,
    Title,
)
from classification.standard import (
    ADMINISTRATOR_1,
    ADMINISTRATOR_2,
    ADMINISTRATOR_3,
    TECHNICIAN_1,
    TECHNICIAN_2,
)
from facilities.models import Facility
from tests.factories import FacilityFactory, analyst_user
from tests.ops.invariants import rows_breaking
from tests.ops.test_races import AnotherConnection

from .factories import seed_a_little_bulk, title

pytestmark = pytest.mark.django_db

RULE = "each facility's chief is its highest active Administrator position by latest titles"
START = date(2020, 4, 1)


def chief_locks() -> int:
    """The advisory locks this transaction holds for the chiefs (not the audit chain's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            " AND pid = pg_backend_pid() AND classid::bigint"
            " = (hashtext('classification_facilitychief')::bigint & 4294967295)"
        )
        return cursor.fetchone()[0]


def chief_of(facility) -> str | None:
    row = FacilityChief.objects.filter(facility=facility).first()
    return row and row.item_number


def position(facility, item, code) -> Position:
    return services.create_position(
        item_number=item, facility=facility, title=title(code), effective_on=START
    )


def change(p, code, effective_on):
    return services.record_title_change(
        position=p,
        to_title=title(code),
        effective_on=effective_on,
        actor=None,
        today=timezone.localdate(),
    )


def test_the_chief_follows_each_write_to_the_positions():
    facility, other = FacilityFactory(), FacilityFactory()
    position(facility, "T-1", TECHNICIAN_2)
    assert chief_of(facility) is None  # no Administrator position: no row
    a1 = position(facility, "C-2", ADMINISTRATOR_1)
    assert chief_of(facility) == "C-2"
    a1b = position(facility, "C-1", ADMINISTRATOR_1)
    assert chief_of(facility) == "C-1"  # the same title: the first item number
    a2 = position(facility, "C-9", ADMINISTRATOR_2)
    assert chief_of(facility) == "C-9"  # a higher title first

    Position.objects.filter(pk=a2.pk).update(active=False)
    assert chief_of(facility) == "C-1"
    Position.objects.filter(pk=a1b.pk).update(facility=other)  # moved: both recomputed
    assert (chief_of(facility), chief_of(other)) == ("C-2", "C-1")
    Position.objects.filter(pk=a1.pk).update(item_number="C-0")
    assert FacilityChief.objects.get(facility=facility).item_number == "C-0"
    # One statement over many rows, as the nightly run of due changes writes.
    Position.objects.filter(facility__in=[facility, other]).update(active=True)
    assert (chief_of(facility), chief_of(other)) == ("C-9", "C-1")
    with connection.cursor() as cursor:  # SQL by hand, past the ORM
        cursor.execute("UPDATE classification_position SET active = false WHERE id = %s", [a2.pk])
    assert chief_of(facility) == "C-0"
    assert rows_breaking(RULE) == []


def test_the_chief_follows_the_title_changes_pending_ones_included():
    facility = FacilityFactory()
    a = position(facility, "A-1", ADMINISTRATOR_1)
    b = position(facility, "B-1", ADMINISTRATOR_1)
    assert chief_of(facility) == "A-1"
    change(b, ADMINISTRATOR_2, timezone.localdate() - timedelta(days=3))
    assert chief_of(facility) == "B-1"
    # Latest titles, pending ones included: the table names B's successor from today...
    change(a, ADMINISTRATOR_3, timezone.localdate() + timedelta(days=20))
    assert chief_of(facility) == "A-1"
    # ... and so does a latest change written by hand, or removed (the stored title then).
    LatestTitleChange.objects.filter(position=a).update(to_title=title(TECHNICIAN_1))
    assert chief_of(facility) == "B-1"
    LatestTitleChange.objects.filter(position=a).delete()  # A's stored title: Administrator 1
    Position.objects.filter(pk=b.pk).update(title=title(TECHNICIAN_1))
    assert chief_of(facility) == "B-1"  # B's latest change still says Administrator 2
    LatestTitleChange.objects.filter(position=b).delete()
    assert chief_of(facility) == "A-1"
    assert rows_breaking(RULE) == []


def test_the_report_names_the_chief_of_the_day_asked_about():
    """A's promotion and B's demotion are still to come: the table already names A, the report
    names B until that day, as chief_position does."""
    analyst = analyst_user()
    today = timezone.localdate()
    day = today + timedelta(days=15)
    facility = FacilityFactory(warranted_title_code=ADMINISTRATOR_3)
    a = position(facility, "A-1", ADMINISTRATOR_1)
    b = position(facility, "B-1", ADMINISTRATOR_2)
    steady = FacilityFactory(warranted_title_code=ADMINISTRATOR_3)
    position(steady, "S-1", ADMINISTRATOR_2)
    change(a, ADMINISTRATOR_3, day)
    change(b, TECHNICIAN_1, day)
    assert chief_of(facility) == "A-1"

    def named(on):
        rows = {r.facility.pk: r for r in reports.drift_report(analyst, today=on)}
        return {
            f.pk: (
                rows[f.pk].facility.chief_item if f.pk in rows else None,
                getattr(selectors.chief_position(f, on), "item_number", None),
            )
            for f in (facility, steady)
        }

    assert named(today) == {facility.pk: ("B-1", "B-1"), steady.pk: ("S-1", "S-1")}
    assert named(day)[facility.pk] == ("A-1", "A-1")
    assert named(day - timedelta(days=1))[facility.pk] == ("B-1", "B-1")
    # Before any history: the stored titles (A's Administrator 1 and B's 2), both facilities.
    assert named(date(2019, 1, 1)) == {facility.pk: ("B-1", "B-1"), steady.pk: ("S-1", "S-1")}


def test_a_lone_administrator_changing_to_another_title_is_chief_until_that_day():
    analyst = analyst_user()
    today = timezone.localdate()
    day = today + timedelta(days=10)
    facility = FacilityFactory()
    lone = position(facility, "L-1", ADMINISTRATOR_2)
    change(lone, TECHNICIAN_2, day)
    assert chief_of(facility) is None  # by the latest titles, no Administrator is left

    def chief_in_report(on):
        (row,) = [r for r in reports.drift_report(analyst, today=on) if r.facility == facility]
        return row.facility.chief_item

    # The facility has no counts, so the report lists it every day, with its chief that day.
    assert chief_in_report(today) == "L-1" == selectors.chief_position(facility).item_number
    assert chief_in_report(day) is None and selectors.chief_position(facility, day) is None


def test_a_new_rank_for_a_title_ranks_every_facility_again():
    facility = FacilityFactory()
    position(facility, "A-1", ADMINISTRATOR_1)
    position(facility, "B-1", ADMINISTRATOR_2)
    assert chief_of(facility) == "B-1"
    # Ranks are unique: swapped through a free one, each a statement of its own.
    one, two = title(ADMINISTRATOR_1), title(ADMINISTRATOR_2)
    Title.objects.filter(pk=one.pk).update(rank=100)
    Title.objects.filter(pk=two.pk).update(rank=one.rank)
    Title.objects.filter(pk=one.pk).update(rank=two.rank)
    assert chief_of(facility) == "A-1"
    assert rows_breaking(RULE) == []


def test_the_seeders_copy_keeps_it_and_the_check_finds_a_wrong_row():
    seed_a_little_bulk()
    assert FacilityChief.objects.exists()
    assert rows_breaking(RULE) == []

    # Written by hand past the triggers, a row is wrong, and the invariant says which.
    row = FacilityChief.objects.order_by("pk").first()
    assert row is not None
    other = Position.objects.filter(facility_id=row.facility_id).exclude(pk=row.position_id)
    other = other.exclude(pk__in=FacilityChief.objects.values("position")).first()
    assert other is not None
    FacilityChief.objects.filter(pk=row.pk).update(position=other)
    assert rows_breaking(RULE) == [(row.facility_id,)]


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_emptying_the_latest_changes_ranks_again_by_the_stored_titles():
    facility = FacilityFactory()
    position(facility, "A-1", ADMINISTRATOR_1)
    b = position(facility, "B-1", ADMINISTRATOR_1)
    change(b, ADMINISTRATOR_2, timezone.localdate() + timedelta(days=5))  # not stored yet
    assert chief_of(facility) == "B-1"
    # TRUNCATE fires no row trigger; only the owner role may run it (the site's may not).
    with connections["owner"].cursor() as cursor:
        cursor.execute("TRUNCATE classification_latesttitlechange")
    assert chief_of(facility) == "A-1"
    assert rows_breaking(RULE) == []


@pytest.mark.django_db(transaction=True)
def test_two_transactions_changing_one_facility_at_once_leave_the_right_chief():
    """The second ranks after the first has committed (the facility's lock). Without the lock
    it would rank without the first's change, then trip on the row the first wrote (a unique
    violation: the user's write refused) or, where none was written, name the wrong chief."""
    facility = FacilityFactory()
    position(facility, "A-3", ADMINISTRATOR_3)
    position(facility, "B-2", ADMINISTRATOR_2)
    position(facility, "C-1", ADMINISTRATOR_1)

    with transaction.atomic():
        Position.objects.filter(item_number="A-3").update(active=False)
        assert chief_of(facility) == "B-2"

        def deactivate_b():
            Position.objects.filter(item_number="B-2").update(active=False)

        other = AnotherConnection(deactivate_b)
        other.done_or_waiting_for_a_lock()
        assert other.thread.is_alive(), other.failure  # waiting for this one's facility lock
    other.join()
    assert not other.failure, other.failure
    assert chief_of(facility) == "C-1"
    assert rows_breaking(RULE) == []
    connections.close_all()


def test_a_statement_touching_many_facilities_takes_one_lock():
    """More facilities than MANY would be as many locks for one transaction: it takes the lock
    of every facility instead, and ranks them all the same."""
    from classification.models.chiefs import _MANY

    agency = FacilityFactory().agency
    facilities = Facility.objects.bulk_create(
        [FacilityFactory.build(agency=agency, code=f"M{n:04}") for n in range(_MANY + 1)]
    )
    admin = title(ADMINISTRATOR_1)
    Position.objects.bulk_create(  # one INSERT statement
        [Position(item_number=f"M-{f.code}", facility=f, title=admin) for f in facilities]
    )
    assert chief_locks() == 1
    assert FacilityChief.objects.filter(facility__in=facilities).count() == _MANY + 1
    # Later statements of the transaction need no lock of their own: the history of each
    # position (one INSERT, one write of the latest changes, one recompute).
    PositionTitleChange.bulk_append(
        [
            PositionTitleChange(position=p, to_title=title(ADMINISTRATOR_2), effective_on=START)
            for p in Position.objects.filter(facility__in=facilities)
        ]
    )
    assert chief_locks() == 1
    assert set(
        FacilityChief.objects.filter(facility__in=facilities).values_list("title__code", flat=True)
    ) == {ADMINISTRATOR_2}
    assert rows_breaking(RULE) == []


@pytest.mark.django_db(transaction=True)
def test_a_write_that_changes_no_ranking_takes_no_lock():
    facility = FacilityFactory()
    a = position(facility, "A-1", ADMINISTRATOR_1)
    with transaction.atomic():
        Position.objects.filter(pk=a.pk).update(reports_to=None)  # a supervisor, not a rank
        assert chief_locks() == 0
        Position.objects.filter(pk=a.pk).update(active=False)
        assert chief_locks() == 2  # every facility's, shared, and this one's
    assert chief_of(facility) is None
