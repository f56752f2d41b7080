"""Trigram indexes for the queue's and positions' free-text search (PostgreSQL only;
facilities.search)."""

from django.db import migrations

from facilities.search import postgresql_indexes, trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("classification", "0008_request_agency"),
        ("facilities", "0005_search_indexes"),
    ]
    operations = [
        postgresql_indexes(
            trigram_index("position_item_number_upper_trgm", "classification_position", "item_number"),
            trigram_index(
                "reclass_justification_upper_trgm",
                "classification_reclassificationrequest",
                "justification",
            ),
        ),
    ]
