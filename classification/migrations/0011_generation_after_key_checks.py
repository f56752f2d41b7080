"""PostgreSQL: the data generation moves after the transaction's foreign-key checks, and a
sign-in alone no longer moves it.

Migration 0010 moved the number in the first deferred trigger to fire at commit. PostgreSQL
defers foreign-key checks to commit too (Django creates them DEFERRABLE INITIALLY DEFERRED) and
fires the deferred triggers in the order the rows were written, so a transaction could hold the
number's row lock while a later row's key check waited for a row another transaction had
locked `FOR UPDATE`; when that one committed and asked for the number, the two deadlocked.
Now the trigger on each table only notes the transaction in `him_generation_pending`, and the
deferred trigger on that note moves the number: a trigger that fires at commit queues its own
deferred events after every event already queued, so the number is the transaction's last lock.
`tests/facilities/test_page_cache.py` holds the case that deadlocked.

`facilities_user` changes at every sign-in (`last_login`), which no page shows: an update of
that column alone moves nothing.

SQLite is unchanged: it has one writer at a time.
"""

from django.db import migrations

NOTE = """
CREATE OR REPLACE FUNCTION him_bump_data_generation() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'facilities_user'
            AND to_jsonb(OLD) - 'last_login' = to_jsonb(NEW) - 'last_login' THEN
        RETURN NULL;
    END IF;
    IF current_setting('him.generation_bumped', true)
            IS DISTINCT FROM pg_current_xact_id()::text THEN
        INSERT INTO him_generation_pending (txid) VALUES (pg_current_xact_id());
        PERFORM set_config('him.generation_bumped', pg_current_xact_id()::text, true);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

MOVE = """
CREATE FUNCTION him_move_data_generation() RETURNS trigger AS $$
BEGIN
    UPDATE him_data_generation SET value = value + 1 WHERE id = 1;
    DELETE FROM him_generation_pending WHERE txid = NEW.txid;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# 0010's function, for going back.
MOVE_AT_ONCE = """
CREATE OR REPLACE FUNCTION him_bump_data_generation() RETURNS trigger AS $$
BEGIN
    IF current_setting('him.generation_bumped', true)
            IS DISTINCT FROM pg_current_xact_id()::text THEN
        UPDATE him_data_generation SET value = value + 1 WHERE id = 1;
        PERFORM set_config('him.generation_bumped', pg_current_xact_id()::text, true);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Unlogged: a note lives from a transaction's first write to its commit.
    schema_editor.execute("CREATE UNLOGGED TABLE him_generation_pending (txid xid8 NOT NULL)")
    schema_editor.execute(MOVE)
    schema_editor.execute(
        "CREATE CONSTRAINT TRIGGER him_data_generation AFTER INSERT ON him_generation_pending "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION him_move_data_generation()"
    )
    schema_editor.execute(NOTE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(MOVE_AT_ONCE)
    schema_editor.execute("DROP TABLE him_generation_pending")
    schema_editor.execute("DROP FUNCTION him_move_data_generation()")


class Migration(migrations.Migration):
    dependencies = [("classification", "0010_data_generation")]

    operations = [migrations.RunPython(forwards, backwards)]
