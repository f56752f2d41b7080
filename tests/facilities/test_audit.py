"""Tamper-evident audit: append-only rows, hash chains, `verify_audit`, PostgreSQL triggers."""

import io
import itertools

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from classification.models import ReclassificationEvent
from common.audit import GENESIS, AppendOnlyError, chained_models, first_broken_row
from tests.classification.factories import reclassification_in
from tests.factories import hr_user
from tests.ops.owner import owner_connection

pytestmark = pytest.mark.django_db

CHAINED = {
    "facilities.AnnualActivityRevision",
    "classification.ReclassificationEvent",
    "classification.PositionTitleChange",
    "candidates.Verification",
    "facilities.DelegationEvent",
    "classification.AppealEvent",
    "classification.DelegatedAct",
}


@pytest.fixture
def events():
    hr = hr_user("OMH")
    for _ in range(3):
        reclassification_in("submitted", hr=hr)
    rows = list(ReclassificationEvent.objects.order_by("pk"))
    assert len(rows) >= 3
    return rows


def test_the_audited_tables_are_chained():
    assert {m._meta.label for m in chained_models()} == CHAINED


def test_each_row_carries_its_predecessors_hash(events):
    assert events[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.row_hash
    call_command("verify_audit")


def test_the_orm_refuses_change_and_delete(events):
    event = events[0]
    event.message = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ReclassificationEvent.objects.filter(pk=event.pk).update(message="x")
    with pytest.raises(AppendOnlyError):
        ReclassificationEvent.objects.all().delete()


def _tamper(sql: str, params: list) -> None:
    """Change a row behind the application's back, past the append-only trigger too, as only
    the tables' owner can (the site's role may not: tests/ops/test_db_roles.py)."""
    table = ReclassificationEvent._meta.db_table
    with owner_connection() as owner, owner.transaction():
        # Foreign-key checks at once, or they would still be pending at ENABLE TRIGGER.
        owner.execute("SET CONSTRAINTS ALL IMMEDIATE")
        owner.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        owner.execute(sql.format(table=table), params)
        owner.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')


@pytest.mark.django_db(transaction=True)
def test_verify_audit_names_a_row_altered_with_sql(events):
    victim = events[1]
    _tamper('UPDATE "{table}" SET message = %s WHERE id = %s', ["approved, honest", victim.pk])
    assert first_broken_row(ReclassificationEvent) == (
        victim.pk,
        "its content no longer matches its hash",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="not intact"):
        call_command("verify_audit", stderr=err)
    assert f"ReclassificationEvent row {victim.pk} does not match" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_verify_audit_notices_a_deleted_row(events):
    victim = events[1]
    _tamper('DELETE FROM "{table}" WHERE id = %s', [victim.pk])
    broken = first_broken_row(ReclassificationEvent)
    assert broken is not None and broken[0] == events[2].pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statement, refusal",
    [
        ("UPDATE {table} SET prev_hash = prev_hash", "Cannot update or delete rows"),
        ("DELETE FROM {table}", "Cannot update or delete rows"),
        ("TRUNCATE {table} CASCADE", "Cannot truncate"),
    ],
)
def test_the_database_refuses_update_delete_and_truncate_even_to_the_owner(
    events, statement, refusal
):
    """The triggers hold for the tables' owner too (the site's role has no right to try:
    tests/ops/test_db_roles.py)."""
    table = ReclassificationEvent._meta.db_table
    with pytest.raises(psycopg.Error, match=refusal), owner_connection() as owner:
        owner.execute(statement.format(table=f'"{table}"'))
    assert ReclassificationEvent.objects.count() == len(events)


@pytest.mark.parametrize("label", sorted(CHAINED))
def test_every_audited_table_has_a_row_trigger_for_update_and_delete(label):
    from django.apps import apps

    table = apps.get_model(label)._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgtype FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [f'"{table}"'],
        )
        types = [row[0] for row in cursor.fetchall()]
    # tgtype bits: 1 row-level, 2 before, 8 delete, 16 update.
    assert any(t & 1 and t & 2 and t & 8 and t & 16 for t in types), types
