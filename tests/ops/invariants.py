"""What must never be false, as SQL: each query returns the rows that break a rule (none, ever).

The fault test runs these after restarting PostgreSQL under load; race tests and anyone else may
run them too. When you add a model with a rule the database cannot hold by a constraint alone
(a request's status and its last event, a verification and its person's agency...), add a query
here.
"""

from django.db import connection

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
    # --- reclassification requests (tests/security/test_races.py runs these after each race) ---
    "a position has at most one open request": """
        SELECT position_id FROM classification_reclassificationrequest
        WHERE status IN (
            'draft', 'agency_comment', 'submitted', 'in_review', 'info_requested', 'recommended'
        )
        GROUP BY position_id HAVING COUNT(*) > 1
    """,
    # Form CC-2E (decision 0015): the agency has its whole period before DCC goes on without it.
    "DCC proceeds without the agency's comment only after the comment period": """
        SELECT e.id FROM classification_reclassificationevent e
        JOIN classification_reclassificationrequest r ON r.id = e.reclassification_id
        WHERE e.action = 'proceed_without_comment'
          AND (r.comment_due_on IS NULL
               OR (e.at AT TIME ZONE 'America/New_York')::date <= r.comment_due_on)
    """,
    "only an employee's request is filed, commented on or proceeded without comment": """
        SELECT e.id FROM classification_reclassificationevent e
        JOIN classification_reclassificationrequest r ON r.id = e.reclassification_id
        WHERE e.action IN ('file', 'comment', 'proceed_without_comment')
          AND r.employee_id IS NULL
    """,
    "a decided request has its decider, date and recommendation": """
        SELECT id FROM classification_reclassificationrequest
        WHERE status IN ('approved', 'denied')
          AND (decided_by_id IS NULL OR decided_at IS NULL OR recommended_by_id IS NULL)
    """,
    "nobody decides a request they recommended": """
        SELECT id FROM classification_reclassificationrequest
        WHERE decided_by_id IS NOT NULL AND decided_by_id = recommended_by_id
    """,
    "a request under review has an assignee": """
        SELECT id FROM classification_reclassificationrequest
        WHERE status IN ('in_review', 'info_requested', 'recommended') AND assigned_to_id IS NULL
    """,
    "a closed request has its closing date": """
        SELECT id FROM classification_reclassificationrequest
        WHERE status IN ('approved', 'denied', 'withdrawn') AND closed_on IS NULL
    """,
    "a request's status is the status its last event moved it to": """
        SELECT r.id FROM classification_reclassificationrequest r
        WHERE r.status <> COALESCE((
            SELECT e.to_status FROM classification_reclassificationevent e
            WHERE e.reclassification_id = r.id ORDER BY e.at DESC, e.id DESC LIMIT 1
        ), 'draft')
    """,
    "an event starts where the request's previous event left it": """
        SELECT e.id FROM classification_reclassificationevent e
        WHERE e.from_status <> COALESCE((
            SELECT p.to_status FROM classification_reclassificationevent p
            WHERE p.reclassification_id = e.reclassification_id
              AND (p.at < e.at OR (p.at = e.at AND p.id < e.id))
            ORDER BY p.at DESC, p.id DESC LIMIT 1
        ), '')
    """,
    # Decision 0024: the dashboard's charts read the tally, which triggers keep.
    "the request tally counts the requests": """
        SELECT COALESCE(t.agency_id, r.agency_id) FROM classification_requesttally t
        FULL JOIN (
            SELECT agency_id, status, days_to_close, COUNT(*) AS n
            FROM classification_reclassificationrequest
            GROUP BY agency_id, status, days_to_close
        ) r ON r.agency_id = t.agency_id AND r.status = t.status
           AND r.days_to_close IS NOT DISTINCT FROM t.days_to_close
        WHERE COALESCE(t.requests, 0) <> COALESCE(r.n, 0)
    """,
    # Decision 0027: the time in each status reads the spell tally, which triggers keep.
    "the spell tally counts the spells and their lengths": """
        SELECT COALESCE(t.started_on, s.started_on) FROM classification_spelltally t
        FULL JOIN (
            SELECT (started_at AT TIME ZONE 'America/New_York')::date AS started_on, status,
                   COUNT(*) AS n,
                   COALESCE(SUM(((EXTRACT(EPOCH FROM ended_at)
                                  - EXTRACT(EPOCH FROM started_at)) * 1000000)::bigint), 0) AS us
            FROM classification_statusspell GROUP BY 1, 2
        ) s ON s.started_on = t.started_on AND s.status = t.status
        WHERE (COALESCE(t.spells, 0), COALESCE(t.ended_us, 0))
              <> (COALESCE(s.n, 0), COALESCE(s.us, 0))
    """,
    # Decision 0026: the drift report reads each position's latest change, kept by a trigger.
    "each position's latest title change is the last of its history": """
        SELECT COALESCE(l.position_id, h.position_id)
        FROM classification_latesttitlechange l
        FULL JOIN (
            SELECT DISTINCT ON (position_id) position_id, id, effective_on, changed_at, to_title_id
            FROM classification_positiontitlechange
            ORDER BY position_id, effective_on DESC, changed_at DESC, id DESC
        ) h ON h.position_id = l.position_id
        WHERE (l.change_id, l.effective_on, l.changed_at, l.to_title_id)
              IS DISTINCT FROM (h.id, h.effective_on, h.changed_at, h.to_title_id)
    """,
    # Decision 0028: the drift report reads each facility's chief, kept by triggers. Ranked
    # here by ROW_NUMBER, not the triggers' DISTINCT ON: two ways to the same rule.
    "each facility's chief is its highest active Administrator position by latest titles": """
        SELECT COALESCE(c.facility_id, r.facility_id) FROM classification_facilitychief c
        FULL JOIN (
            SELECT * FROM (
                SELECT p.facility_id, p.id, p.item_number, t.id AS title_id,
                       ROW_NUMBER() OVER (
                           PARTITION BY p.facility_id ORDER BY t.rank DESC, p.item_number
                       ) AS n
                FROM classification_position p
                LEFT JOIN classification_latesttitlechange l ON l.position_id = p.id
                JOIN classification_title t ON t.id = COALESCE(l.to_title_id, p.title_id)
                WHERE p.active AND t.code IN ('3616510', '3616520', '3616530')
            ) ranked WHERE n = 1
        ) r ON r.facility_id = c.facility_id
        WHERE (c.position_id, c.item_number, c.title_id)
              IS DISTINCT FROM (r.id, r.item_number, r.title_id)
    """,
    "a request's days to close are its dates' difference less its pauses": """
        SELECT id FROM classification_reclassificationrequest
        WHERE days_to_close IS DISTINCT FROM (
            (closed_on - submitted_on)
            - CAST(EXTRACT(EPOCH FROM paused_total) / 86400 AS INTEGER)
        )
    """,
    "a request's agency is its position's facility's agency": """
        SELECT r.id FROM classification_reclassificationrequest r
        JOIN classification_position p ON p.id = r.position_id
        JOIN facilities_facility f ON f.id = p.facility_id
        WHERE r.agency_id <> f.agency_id
    """,
    # Spells summarise the events (services.record_event writes both).
    "each event into an open status has its spell, ending at the next event": """
        SELECT e.id FROM classification_reclassificationevent e
        LEFT JOIN classification_statusspell s ON s.event_id = e.id
        WHERE e.to_status NOT IN ('approved', 'denied', 'withdrawn') AND (
            s.event_id IS NULL OR s.status <> e.to_status OR s.started_at <> e.at
            OR s.reclassification_id <> e.reclassification_id
            OR COALESCE(s.ended_at, e.at) <> COALESCE((
                SELECT MIN(n.at) FROM classification_reclassificationevent n
                WHERE n.reclassification_id = e.reclassification_id
                  AND (n.at > e.at OR (n.at = e.at AND n.id > e.id))
            ), e.at)
            OR (s.ended_at IS NULL) <> NOT EXISTS (
                SELECT 1 FROM classification_reclassificationevent n
                WHERE n.reclassification_id = e.reclassification_id
                  AND (n.at > e.at OR (n.at = e.at AND n.id > e.id))
            )
        )
    """,
    "events into a closed status have no spell": """
        SELECT s.event_id FROM classification_statusspell s
        JOIN classification_reclassificationevent e ON e.id = s.event_id
        WHERE e.to_status IN ('approved', 'denied', 'withdrawn')
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


def rows_breaking(rule: str) -> list[tuple]:
    """What `rule` (a key of INVARIANTS) finds broken on the test's connection: no rows when it
    holds."""
    with connection.cursor() as cursor:
        cursor.execute(INVARIANTS[rule])
        return cursor.fetchall()
