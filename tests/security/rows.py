"""Row counts of every table: "nothing was written" as one comparison."""

from django.apps import apps
from django.db import connection


def table_counts() -> dict[str, int]:
    """Table name → number of rows, for every table the project's models (and links) have."""
    tables = sorted(
        {
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy
        }
        # Sessions and sign-in records change when someone signs in; they are not the data.
        - {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
    )
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts
