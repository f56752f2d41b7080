"""A number that changes whenever the site's data does: the key of the page cache.

`him_data_generation` holds one row. Every committed write to a table of the three apps (or
to the roles and permissions in `auth`) adds one to it, whatever writes the row: a service,
the admin, an import, SQL typed in a shell. `facilities.page_cache` keys each cached page
with the number it read before reading the page's data (docs/decisions/0011).

PostgreSQL: a deferred constraint trigger per table, so the number is changed at commit, once
per transaction. Changed mid-transaction, its row lock would be held from a transaction's
first write to its commit, and two writers touching the same rows in different orders would
deadlock on it. (At commit is not yet last: migration 0011 moves it after the foreign-key
checks.) SQLite: plain row triggers; it has one writer at a time.

It is not a model: Django's test flush empties every model's table, and a number that went
back to 1 would hand out pages cached before.
"""

from django.db import migrations

TABLE = "him_data_generation"
TRIGGER = "him_data_generation"  # PostgreSQL: the same name on every table
APPS = ("facilities", "classification", "candidates")
AUTH_TABLES = ("auth_group", "auth_group_permissions", "auth_permission")

BUMP_ONCE = f"""
CREATE OR REPLACE FUNCTION him_bump_data_generation() RETURNS trigger AS $$
BEGIN
    IF current_setting('him.generation_bumped', true)
            IS DISTINCT FROM pg_current_xact_id()::text THEN
        UPDATE {TABLE} SET value = value + 1 WHERE id = 1;
        PERFORM set_config('him.generation_bumped', pg_current_xact_id()::text, true);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def watched_tables(apps) -> list[str]:
    """Every table whose rows a page can show or whose rows decide what a user may see."""
    tables = [
        model._meta.db_table
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return sorted(set(tables) | set(AUTH_TABLES))


def postgres_triggers(table: str) -> list[str]:
    return [
        f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION him_bump_data_generation()",
        f"CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION him_bump_data_generation()",
    ]


def sqlite_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {TRIGGER}_{table}_{event.lower()} AFTER {event} ON {table} "
        f"BEGIN UPDATE {TABLE} SET value = value + 1 WHERE id = 1; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):  # pragma: no cover
        raise NotImplementedError(vendor)
    schema_editor.execute(
        f"CREATE TABLE {TABLE} (id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)"
    )
    schema_editor.execute(f"INSERT INTO {TABLE} (id, value) VALUES (1, 1)")
    if vendor == "postgresql":
        schema_editor.execute(BUMP_ONCE)
    for table in watched_tables(apps):
        for statement in (postgres_triggers if vendor == "postgresql" else sqlite_triggers)(table):
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table in watched_tables(apps):
        if postgres:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_truncate ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_{table}_{event}")
    if postgres:
        schema_editor.execute("DROP FUNCTION IF EXISTS him_bump_data_generation()")
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("candidates", "0003_search_indexes"),
        ("classification", "0009_search_indexes"),
        ("facilities", "0005_search_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
