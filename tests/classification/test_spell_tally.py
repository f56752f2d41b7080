"""The spell tally (decision 0027) stays the count and length of the status spells, whatever
writes them: the workflow's services, SQL by hand, a delete, a truncate, the seeder; and the
turnaround report's time in each status reads the same from it as from the spells."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from classification import reports, services
from classification.models import SpellTally, StatusSpell
from classification.services import record_event
from tests.classification.factories import reclassification_in, seed_a_little_bulk
from tests.factories import analyst_user, hr_user
from tests.ops.invariants import rows_breaking

pytestmark = pytest.mark.django_db

RULE = "the spell tally counts the spells and their lengths"


def tally() -> dict:
    """{status: (spells, length of the ended ones in microseconds)}, every day summed."""
    found: dict[str, tuple[int, int]] = {}
    for t in SpellTally.objects.filter(spells__gt=0):
        n, us = found.get(t.status, (0, 0))
        found[t.status] = (n + t.spells, us + t.ended_us)
    return found


def microseconds(spell: StatusSpell) -> int:
    return (spell.ended_at - spell.started_at) // timedelta(microseconds=1)


def test_the_workflow_counts_each_spell_and_its_length_once_it_ends():
    hr, analyst = hr_user("OMH"), analyst_user()
    r = reclassification_in("draft", hr=hr)
    services.submit_reclassification(actor=hr, reclassification_id=r.pk, expected_version=r.version)
    r.refresh_from_db()
    services.take_reclassification(
        actor=analyst, reclassification_id=r.pk, expected_version=r.version
    )
    spells = {s.status: s for s in StatusSpell.objects.filter(reclassification=r)}
    # The draft and submitted spells have ended; the one in review is open, with no length.
    assert tally() == {
        "draft": (1, microseconds(spells["draft"])),
        "submitted": (1, microseconds(spells["submitted"])),
        "in_review": (1, 0),
    }
    assert rows_breaking(RULE) == []


def test_sql_by_hand_deletes_and_truncate_keep_it_exact():
    hr = hr_user("OMH")
    r = reclassification_in("in_review", hr=hr, assigned=analyst_user())
    StatusSpell.objects.all().delete()
    start = timezone.now() - timedelta(days=40)
    for days, action, status in ((0, "submit", "submitted"), (10, "take", "in_review")):
        record_event(
            reclassification=r,
            action=action,
            from_status="",
            to_status=status,
            actor=hr,
            at=start + timedelta(days=days),
        )
    assert tally() == {"submitted": (1, 10 * 86_400_000_000), "in_review": (1, 0)}
    with connection.cursor() as cursor:
        # To another day and status, then the open spell ended by hand.
        cursor.execute(
            "UPDATE classification_statusspell SET started_at = started_at - interval '3 days',"
            " status = 'recommended' WHERE status = 'submitted'"
        )
        cursor.execute(
            "UPDATE classification_statusspell SET ended_at = started_at + interval '1 hour'"
            " WHERE ended_at IS NULL"
        )
        # An update that changes nothing tallied.
        cursor.execute("UPDATE classification_statusspell SET reclassification_id = %s", [r.pk])
    assert tally() == {"recommended": (1, 13 * 86_400_000_000), "in_review": (1, 3_600_000_000)}
    assert rows_breaking(RULE) == []
    StatusSpell.objects.filter(status="recommended").delete()
    assert tally() == {"in_review": (1, 3_600_000_000)}
    assert rows_breaking(RULE) == []


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_truncating_the_spells_empties_it():
    reclassification_in("in_review", hr=hr_user("OMH"), assigned=analyst_user())
    assert tally()
    # Only the owner role may truncate (the site's role may not).
    with connections["owner"].cursor() as cursor:
        cursor.execute("TRUNCATE classification_statusspell")
    assert not SpellTally.objects.exists()


def test_a_tally_out_of_step_is_found():
    r = reclassification_in("submitted", hr=hr_user("OMH"))
    record_event(
        reclassification=r,
        action="submit",
        from_status="draft",
        to_status="submitted",
        actor=analyst_user(),
        at=timezone.now(),
    )
    assert rows_breaking(RULE) == []
    with connection.cursor() as cursor:
        cursor.execute("UPDATE classification_spelltally SET ended_us = ended_us + 1")
    assert rows_breaking(RULE) != []


def test_the_bulk_seeder_leaves_it_exact_and_the_report_reads_the_same_from_both():
    seed_a_little_bulk()
    assert sum(n for n, _us in tally().values()) == StatusSpell.objects.count() > 0
    assert rows_breaking(RULE) == []
    analyst, now = analyst_user(), timezone.now()
    for since in (None, timezone.localdate() - timedelta(days=200)):
        # The tally (all agencies) against each agency's spells summed.
        from_tally = {
            s.status: (s.spells, s.total_days)
            for s in reports.time_in_status(analyst, since=since, now=now)
        }
        from_spells: dict[str, list] = {}
        for agency in ("DOCCS", "OASAS", "OMH", "OPWDD"):
            for s in reports.time_in_status(analyst, agency=agency, since=since, now=now):
                found = from_spells.setdefault(s.status, [0, 0.0])
                found[0] += s.spells
                found[1] += s.total_days
        assert from_tally.keys() == from_spells.keys() and from_tally
        for status, (spells, days) in from_tally.items():
            assert spells == from_spells[status][0]
            # Each agency's total is rounded to a tenth of a day before it is added.
            assert days == pytest.approx(from_spells[status][1], abs=0.3)


NY = ZoneInfo("America/New_York")
HOUR_US = 3_600_000_000


def _spell(r, n: int, status: str, start: datetime, end: datetime | None) -> StatusSpell:
    # The spell table holds no constraint to its event (see StatusSpell.event): a spell of
    # its own, at exact times, without a history around it.
    return StatusSpell.objects.create(
        event_id=10_000_000 + n, reclassification=r, status=status, started_at=start, ended_at=end
    )


def test_new_york_days_and_daylight_saving_are_exact():
    assert settings.TIME_ZONE == "America/New_York"  # the triggers' day is a New York day
    r = reclassification_in("in_review", hr=hr_user("OMH"), assigned=analyst_user())
    StatusSpell.objects.all().delete()
    # A microsecond before New York's midnight of Mar 8, 2026 (in UTC already Mar 8).
    before = datetime(2026, 3, 7, 23, 59, 59, 999_999, tzinfo=NY)
    _spell(r, 1, "submitted", before, before + timedelta(hours=1))
    # Midnight, then 3:30 a.m. after the clocks went forward at 2: 2.5 hours elapsed.
    _spell(
        r,
        2,
        "in_review",
        datetime(2026, 3, 8, 0, 0, tzinfo=NY),
        datetime(2026, 3, 8, 3, 30, tzinfo=NY),
    )
    # 1:30 a.m. daylight time to 1:30 a.m. standard time on Nov 1: one hour.
    fall = datetime(2026, 11, 1, 1, 30, tzinfo=NY)
    _spell(r, 3, "recommended", fall, datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NY))
    _spell(r, 4, "info_requested", datetime(2026, 3, 8, 12, 0, tzinfo=NY), None)
    days = [date(2026, 3, 7), date(2026, 3, 8), date(2026, 11, 1)]
    rows = {
        (t.started_on, t.status): (t.spells, t.ended_us)
        for t in SpellTally.objects.filter(started_on__in=days)
    }
    assert rows == {
        (date(2026, 3, 7), "submitted"): (1, HOUR_US),
        (date(2026, 3, 8), "in_review"): (1, 5 * HOUR_US // 2),
        (date(2026, 11, 1), "recommended"): (1, HOUR_US),
        (date(2026, 3, 8), "info_requested"): (1, 0),
    }
    assert rows_breaking(RULE) == []
    now = datetime(2026, 3, 9, 12, 0, tzinfo=NY)
    found = {
        s.status: (s.spells, s.total_days)
        for s in reports.time_in_status(analyst_user(), since=date(2026, 3, 8), now=now)
    }
    # The spell a microsecond before the day is left out; the open one runs until `now`.
    assert found == {
        "in_review": (1, round(2.5 / 24, 1)),
        "recommended": (1, round(1 / 24, 1)),
        "info_requested": (1, 1.0),
    }


def test_a_spell_moved_to_a_later_row_leaves_and_enters():
    r = reclassification_in("in_review", hr=hr_user("OMH"), assigned=analyst_user())
    StatusSpell.objects.all().delete()
    start = datetime(2026, 6, 1, 9, 0, tzinfo=NY)
    spell = _spell(r, 5, "in_review", start, start + timedelta(hours=2))
    with connection.cursor() as cursor:
        # A later day and a later status: the old row is left before the new one is entered.
        cursor.execute(
            "UPDATE classification_statusspell SET started_at = started_at + interval '2 days',"
            " ended_at = ended_at + interval '2 days 1 hour', status = 'submitted'"
            " WHERE event_id = %s",
            [spell.pk],
        )
    days = [date(2026, 6, 1), date(2026, 6, 3)]
    rows = {
        (t.started_on, t.status): (t.spells, t.ended_us)
        for t in SpellTally.objects.filter(started_on__in=days)
    }
    assert rows == {
        (date(2026, 6, 1), "in_review"): (0, 0),
        (date(2026, 6, 3), "submitted"): (1, 3 * HOUR_US),
    }
    assert rows_breaking(RULE) == []
