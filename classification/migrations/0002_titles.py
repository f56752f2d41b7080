from django.db import migrations

from classification.titles import ensure_titles


def forwards(apps, schema_editor):
    ensure_titles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("classification", "0001_initial")]
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        # A table of five rows: see facilities.0002_reference_data.
        migrations.RunSQL("ANALYZE classification_title", migrations.RunSQL.noop),
    ]
