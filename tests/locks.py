"""For tests of requests at once: whether another session is waiting on a lock."""

from django.db import connection


def another_session_waits_on_a_lock() -> bool:
    """Whether PostgreSQL shows another session of this database waiting on a lock (the test
    holds it, so the other request has reached the moment the test wants)."""
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps the first look at the sessions: drop it.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return bool(cursor.fetchone()[0])
