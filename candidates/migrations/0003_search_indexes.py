"""Trigram indexes for the people list's free-text search, and AHIMA ids compared without case
(PostgreSQL only; facilities.search)."""

from django.db import migrations

from facilities.search import postgresql_indexes, trigram_index, upper_index


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0002_credentials_verifications_experience"),
        ("facilities", "0005_search_indexes"),
    ]
    operations = [
        postgresql_indexes(
            trigram_index("person_given_name_upper_trgm", "candidates_person", "given_name"),
            trigram_index("person_family_name_upper_trgm", "candidates_person", "family_name"),
            trigram_index("person_employee_id_upper_trgm", "candidates_person", "employee_id"),
            trigram_index("person_email_upper_trgm", "candidates_person", "email"),
            upper_index("credential_ahima_id_upper", "candidates_credential", "ahima_id"),
        ),
    ]
