"""Each request carries its agency, and the database keeps it right.

Agency HR's queue counted its requests through positions and facilities (a join over every
request: 23 ms for OMH's 27,000 of 100,000); the dashboards grouped by agency through the same
joins. The request now holds the agency of its position's facility: filled in from existing
rows here, set on save by the model, and kept by triggers whatever writes the rows: a request
inserted or pointed at another position, a position moved to another facility, a facility
moved to another agency. tests/ops/invariants.py checks that every request agrees.
"""

import django.db.models.deletion
from django.conf import settings
from importlib import import_module

from django.db import migrations, models

REQUESTS = "classification_reclassificationrequest"
POSITIONS = "classification_position"
FACILITIES = "facilities_facility"

# The agency a request's position says it belongs to.
AGENCY_OF_POSITION = f"""(SELECT f.agency_id FROM {POSITIONS} p JOIN {FACILITIES} f
    ON f.id = p.facility_id WHERE p.id = {{position}})"""

BACKFILL = f"UPDATE {REQUESTS} SET agency_id = " + AGENCY_OF_POSITION.format(
    position=f"{REQUESTS}.position_id"
)

POSTGRES = [
    f"""
CREATE OR REPLACE FUNCTION him_request_agency() RETURNS trigger AS $$
BEGIN
    UPDATE {REQUESTS} SET agency_id = {AGENCY_OF_POSITION.format(position="NEW.position_id")}
    WHERE id = NEW.id
      AND agency_id IS DISTINCT FROM {AGENCY_OF_POSITION.format(position="NEW.position_id")};
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",
    f"""
CREATE OR REPLACE FUNCTION him_position_moved() RETURNS trigger AS $$
BEGIN
    UPDATE {REQUESTS} SET agency_id = (SELECT agency_id FROM {FACILITIES} WHERE id = NEW.facility_id)
    WHERE position_id = NEW.id
      AND agency_id IS DISTINCT FROM (SELECT agency_id FROM {FACILITIES} WHERE id = NEW.facility_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",
    f"""
CREATE OR REPLACE FUNCTION him_facility_moved() RETURNS trigger AS $$
BEGIN
    UPDATE {REQUESTS} SET agency_id = NEW.agency_id
    WHERE position_id IN (SELECT id FROM {POSITIONS} WHERE facility_id = NEW.id)
      AND agency_id IS DISTINCT FROM NEW.agency_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",
    f"CREATE TRIGGER {REQUESTS}_agency AFTER INSERT OR UPDATE OF position_id, agency_id "
    f"ON {REQUESTS} FOR EACH ROW EXECUTE FUNCTION him_request_agency()",
    f"CREATE TRIGGER {POSITIONS}_moved AFTER UPDATE OF facility_id ON {POSITIONS} "
    "FOR EACH ROW EXECUTE FUNCTION him_position_moved()",
    f"CREATE TRIGGER {FACILITIES}_moved AFTER UPDATE OF agency_id ON {FACILITIES} "
    "FOR EACH ROW EXECUTE FUNCTION him_facility_moved()",
]

SQLITE = [
    f"""
CREATE TRIGGER {REQUESTS}_agency AFTER INSERT ON {REQUESTS}
BEGIN
    UPDATE {REQUESTS} SET agency_id = {AGENCY_OF_POSITION.format(position="NEW.position_id")}
    WHERE id = NEW.id
      AND agency_id IS NOT {AGENCY_OF_POSITION.format(position="NEW.position_id")};
END
""",
    f"""
CREATE TRIGGER {REQUESTS}_agency_update AFTER UPDATE OF position_id, agency_id ON {REQUESTS}
BEGIN
    UPDATE {REQUESTS} SET agency_id = {AGENCY_OF_POSITION.format(position="NEW.position_id")}
    WHERE id = NEW.id
      AND agency_id IS NOT {AGENCY_OF_POSITION.format(position="NEW.position_id")};
END
""",
    f"""
CREATE TRIGGER {POSITIONS}_moved AFTER UPDATE OF facility_id ON {POSITIONS}
BEGIN
    UPDATE {REQUESTS} SET agency_id = (SELECT agency_id FROM {FACILITIES} WHERE id = NEW.facility_id)
    WHERE position_id = NEW.id
      AND agency_id IS NOT (SELECT agency_id FROM {FACILITIES} WHERE id = NEW.facility_id);
END
""",
    f"""
CREATE TRIGGER {FACILITIES}_moved AFTER UPDATE OF agency_id ON {FACILITIES}
BEGIN
    UPDATE {REQUESTS} SET agency_id = NEW.agency_id
    WHERE position_id IN (SELECT id FROM {POSITIONS} WHERE facility_id = NEW.id)
      AND agency_id IS NOT NEW.agency_id;
END
""",
]

TRIGGERS = [
    (REQUESTS, f"{REQUESTS}_agency"),
    (REQUESTS, f"{REQUESTS}_agency_update"),
    (POSITIONS, f"{POSITIONS}_moved"),
    (FACILITIES, f"{FACILITIES}_moved"),
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):  # pragma: no cover
        raise NotImplementedError(vendor)
    for statement in POSTGRES if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)
    if vendor == "sqlite":
        # SQLite cannot make a column NOT NULL in place: the AlterField above rebuilt the
        # table, and the rebuild dropped its triggers. Put back those of migration 0006.
        days = import_module("classification.migrations.0006_reporting_columns")
        days.backwards(apps, schema_editor)
        days.forwards(apps, schema_editor)


def backwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
    if postgres:
        for function in ("him_request_agency", "him_position_moved", "him_facility_moved"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):

    dependencies = [
        ('classification', '0007_status_spells'),
        ('facilities', '0004_revision_append_only_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='reclassificationrequest',
            name='reclass_status_covering',
        ),
        migrations.AddField(
            model_name='reclassificationrequest',
            name='agency',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='facilities.agency', verbose_name='agency'),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='reclassificationrequest',
            name='agency',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='facilities.agency', verbose_name='agency'),
        ),
        migrations.AddIndex(
            model_name='reclassificationrequest',
            index=models.Index(fields=['agency', 'status'], name='reclass_agency_status'),
        ),
        migrations.AddIndex(
            model_name='reclassificationrequest',
            index=models.Index(fields=['status', 'assigned_to'], include=('id', 'agency', 'position', 'proposed_title', 'submitted_on', 'closed_on', 'paused_since', 'paused_total', 'days_to_close'), name='reclass_status_covering'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
