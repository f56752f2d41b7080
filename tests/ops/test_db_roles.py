"""The site runs as a role that owns nothing (common.dbroles): it cannot empty an audit table,
switch its triggers off, or change or delete its rows, whatever SQL it sends. The tests run as
production does: the test database was migrated by the owner role, the site's connection is
the application role."""

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from common.audit import chained_models
from common.dbroles import app_role
from tests.ops.owner import app_connection, owner_connection

pytestmark = pytest.mark.django_db

PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
AUDITED = sorted(m._meta.db_table for m in chained_models())


def _privileges(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p FROM unnest(%s::text[]) AS p WHERE has_table_privilege(current_user, %s, p)",
            [PRIVILEGES, table],
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_site_connects_as_a_role_that_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
            "WHERE rolname = current_user"
        )
        user, superuser, createrole, createdb = cursor.fetchone()
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user"
        )
        owned = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT has_schema_privilege(current_user, 'public', 'CREATE')")
        (can_create,) = cursor.fetchone()
    assert user == app_role()
    assert (superuser, createrole, createdb) == (False, False, False)
    assert owned == []
    assert can_create is False


@pytest.mark.parametrize("table", AUDITED)
def test_the_site_may_only_read_and_append_to_an_audit_table(table):
    assert _privileges(table) == {"SELECT", "INSERT"}


def test_the_site_may_change_its_other_tables_but_not_truncate_them():
    audited = set(AUDITED)
    tables = [m._meta.db_table for m in apps.get_models() if m._meta.db_table not in audited]
    everything_but_truncate = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
    assert {t: _privileges(t) for t in tables} == dict.fromkeys(tables, everything_but_truncate)
    assert _privileges("django_migrations") == {"SELECT"}


@pytest.mark.parametrize("table", AUDITED)
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE {table} CASCADE",
        "ALTER TABLE {table} DISABLE TRIGGER USER",
        "DELETE FROM {table}",
        "UPDATE {table} SET prev_hash = prev_hash",
        "DROP TABLE {table} CASCADE",
    ],
)
def test_the_site_role_is_refused_past_the_triggers_too(table, statement):
    """Even with pgtrigger's ignore setting, which any session may set and the append-only
    trigger obeys: the role has no right to run the statement at all."""
    with (
        app_connection() as app,
        pytest.raises(
            psycopg.errors.InsufficientPrivilege, match=r"permission denied|must be owner"
        ),
    ):
        app.execute(
            "SELECT set_config('pgtrigger.ignore', %s, false)",
            ["{" + ",".join(_trigger_ids(table)) + "}"],
        )
        app.execute(statement.format(table=f'"{table}"'))


def _trigger_ids(table: str) -> list[str]:
    with owner_connection() as owner:
        return [
            row[0]
            for row in owner.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [f'"{table}"'],
            )
        ]


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_granting_twice_changes_nothing():
    before = {t: _privileges(t) for t in AUDITED}
    call_command("grant_app_role", verbosity=0)
    call_command("grant_app_role", verbosity=0)
    assert {t: _privileges(t) for t in AUDITED} == before


def test_check_deploy_warns_where_the_site_owns_its_tables_or_the_anchor_has_no_key(
    settings, monkeypatch
):
    from common import dbroles

    assert dbroles.check_roles(None) == []
    monkeypatch.setattr(dbroles, "owner_is_app_role", lambda: True)
    settings.HIM_AUDIT_CHECKPOINT_KEY = settings.SECRET_KEY
    assert [w.id for w in dbroles.check_roles(None)] == ["him.W010", "him.W011"]
