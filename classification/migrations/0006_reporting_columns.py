"""Days to close stored on each request, and a covering index for the reports.

The dashboard and the turnaround report worked days to decision out of three dates for every
row (and again for each bucket of the distribution). The request now holds them: a trigger
sets `days_to_close` on every insert and update, whatever writes the row (services, admin,
the bulk seeder's COPY, SQL by hand). (A GeneratedField would have done the same, but on
PostgreSQL Django's system checks then need a connection to learn the server's version, and
`check --deploy` must pass without one.) The covering index lets the reports' aggregates read
an index of about 9 MB instead of the whole table.
"""

from django.conf import settings
from django.db import migrations, models

REQUESTS = "classification_reclassificationrequest"

# Calendar days from submission to closing, less the whole days paused (NULL until closed).
POSTGRES_DAYS = (
    "({row}.closed_on - {row}.submitted_on)"
    " - CAST(EXTRACT(EPOCH FROM {row}.paused_total) / 86400 AS INTEGER)"
)
# SQLite keeps dates as text and a duration as whole microseconds.
SQLITE_DAYS = (
    "CAST(julianday({row}.closed_on) - julianday({row}.submitted_on) AS INTEGER)"
    " - CAST({row}.paused_total / 86400000000 AS INTEGER)"
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE {REQUESTS} SET days_to_close = " + POSTGRES_DAYS.format(row=REQUESTS)
        )
        schema_editor.execute(f"""
CREATE OR REPLACE FUNCTION him_days_to_close() RETURNS trigger AS $$
BEGIN
    NEW.days_to_close := {POSTGRES_DAYS.format(row="NEW")};
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""")
        schema_editor.execute(
            f"CREATE TRIGGER {REQUESTS}_days BEFORE INSERT OR UPDATE ON {REQUESTS} "
            "FOR EACH ROW EXECUTE FUNCTION him_days_to_close()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"UPDATE {REQUESTS} SET days_to_close = " + SQLITE_DAYS.format(row=REQUESTS)
        )
        # SQLite's triggers cannot change the row being written: set it just after.
        for event, name in (("INSERT", "days"), ("UPDATE", "days_update")):
            schema_editor.execute(f"""
CREATE TRIGGER {REQUESTS}_{name} AFTER {event} ON {REQUESTS}
BEGIN
    UPDATE {REQUESTS} SET days_to_close = {SQLITE_DAYS.format(row="NEW")} WHERE id = NEW.id;
END
""")
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise NotImplementedError(vendor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {REQUESTS}_days ON {REQUESTS}")
        schema_editor.execute("DROP FUNCTION IF EXISTS him_days_to_close()")
    else:
        for name in ("days", "days_update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {REQUESTS}_{name}")


class Migration(migrations.Migration):

    dependencies = [
        ('classification', '0005_saved_filter'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='reclassificationrequest',
            name='classificat_status_46cefc_idx',
        ),
        migrations.AddField(
            model_name='reclassificationrequest',
            name='days_to_close',
            field=models.IntegerField(blank=True, editable=False, null=True, verbose_name='days to close'),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name='reclassificationevent',
            index=models.Index(fields=['at'], include=('reclassification', 'id', 'to_status'), name='reclass_event_at_covering'),
        ),
        migrations.AddIndex(
            model_name='reclassificationrequest',
            index=models.Index(fields=['status', 'assigned_to'], include=('id', 'position', 'proposed_title', 'submitted_on', 'closed_on', 'paused_since', 'paused_total', 'days_to_close'), name='reclass_status_covering'),
        ),
    ]
