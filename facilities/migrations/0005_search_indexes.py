"""Trigram indexes for the registry's free-text search (PostgreSQL only; facilities.search).

`pg_trgm` is a trusted extension (PostgreSQL 13+): the database's owner creates it without
being a superuser. Django's `TrigramExtension` does nothing on SQLite.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from facilities.search import postgresql_indexes, trigram_index


class Migration(migrations.Migration):
    dependencies = [("facilities", "0004_revision_append_only_trigger")]
    operations = [
        TrigramExtension(),
        postgresql_indexes(
            trigram_index("facility_name_upper_trgm", "facilities_facility", "name"),
            trigram_index("facility_code_upper_trgm", "facilities_facility", "code"),
            trigram_index("facility_region_upper_trgm", "facilities_facility", "region"),
        ),
    ]
