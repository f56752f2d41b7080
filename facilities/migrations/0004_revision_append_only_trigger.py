from django.db import migrations

from facilities.audit import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("facilities", "0003_counts_history_and_determination")]
    operations = [append_only_trigger("facilities", "AnnualActivityRevision")]
