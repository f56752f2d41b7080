"""What must never be false, as SQL: each query returns the rows that break a rule (none, ever).

The fault test runs these after restarting PostgreSQL under load; race tests and anyone else may
run them too. When you add a model with a rule the database cannot hold by a constraint alone
(a request's status and its last event, a verification and its person's agency...), add a query
here. Plain SQL that PostgreSQL and SQLite both understand.
"""

INVARIANTS: dict[str, str] = {
    "annual counts are never negative": """
        SELECT id FROM facilities_annualactivity
        WHERE individuals_served < 0 OR records_activities < 0
    """,
    "every Agency HR user has an agency": """
        SELECT u.id FROM facilities_user u
        JOIN facilities_user_groups ug ON ug.user_id = u.id
        JOIN auth_group g ON g.id = ug.group_id
        WHERE g.name = 'Agency HR' AND u.agency_id IS NULL
    """,
}


def violations(cursor) -> dict[str, list[tuple]]:
    """Run every invariant with a DB-API cursor (Django's or psycopg's): name → offending rows."""
    found = {}
    for name, query in INVARIANTS.items():
        cursor.execute(query)
        rows = cursor.fetchall()
        if rows:
            found[name] = rows
    return found
