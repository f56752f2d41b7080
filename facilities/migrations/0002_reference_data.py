from django.db import migrations

from facilities.roles import ensure_reference_data


def forwards(apps, schema_editor):
    ensure_reference_data(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        # A table of a few rows is never analysed by autovacuum (its threshold is 50 changed
        # rows), and without statistics the planner takes it for 160 rows: a filter on an
        # agency's code was then estimated to keep 12 facilities instead of 755, and the
        # turnaround report chose a nested loop twice as slow.
        migrations.RunSQL("ANALYZE facilities_agency", migrations.RunSQL.noop),
    ]
