"""On PostgreSQL, the database itself refuses to change or delete history rows.

The ORM already refuses (AppendOnlyQuerySet, save/delete guards); this also stops raw SQL and
other clients. TRUNCATE (test flushes) is a statement, not a row change, and still works.
"""

from django.db import migrations

TABLES = ["classification_reclassificationevent", "classification_positiontitlechange"]

FUNCTION = """
CREATE OR REPLACE FUNCTION him_refuse_history_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'append-only: ' || TG_TABLE_NAME || ' rows cannot be changed or deleted',
        ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


# The SQL holds no percent sign: the driver would read one as a query parameter.


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION him_refuse_history_change()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS him_refuse_history_change()")


class Migration(migrations.Migration):
    dependencies = [("classification", "0003_positions_and_reclassification")]
    operations = [migrations.RunPython(forwards, backwards)]
