"""The pages `make bench` measures (and the fault test loads): the one list to extend.

Each page: a name for the report, a URL path, and the role that requests it ("anonymous",
"analyst", "supervisor" or "hr", the users scripts/harness.py creates). A path may hold
`{placeholders}` filled from PARAMS: SQL run on the benchmark database that returns one value,
e.g. the id of a facility of the HR user's agency. The page named CEILING is the trivial
signed-in view the others' throughput is compared with.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str


CEILING = "trivial signed-in view"

PAGES = [
    Page(CEILING, "/bench/ping", "analyst"),
    Page("dashboard (analyst)", "/", "analyst"),
    Page("dashboard (Agency HR)", "/", "hr"),
    Page("queue, first page (analyst)", "/requests/", "analyst"),
    Page("queue, all tab (analyst)", "/requests/?tab=all", "analyst"),
    Page(
        "queue, filtered (analyst)",
        "/requests/?tab=all&status=in_review&agency={omh}&sort=-open_for",
        "analyst",
    ),
    Page("queue, search (analyst)", "/requests/?tab=all&q=BULK-00001", "analyst"),
    Page("queue, first page (Agency HR)", "/requests/", "hr"),
    Page("request (analyst)", "/requests/{request}/", "analyst"),
    Page("request (Agency HR)", "/requests/{request}/", "hr"),
    Page("positions (analyst)", "/positions/", "analyst"),
    Page("facility list (analyst)", "/facilities/", "analyst"),
    Page(
        "facility list, filtered (analyst)",
        "/facilities/?facility_type=ddsoo&sort=-individuals",
        "analyst",
    ),
    Page("facility (Agency HR)", "/facilities/{facility}/", "hr"),
    Page("people (analyst)", "/people/", "analyst"),
    Page("person (analyst)", "/people/{person}/", "analyst"),
    Page("dashboard (supervisor)", "/", "supervisor"),
    Page("drift report (analyst)", "/reports/drift/", "analyst"),
    Page("drift report (Agency HR)", "/reports/drift/", "hr"),
    Page("turnaround report (analyst)", "/reports/turnaround/", "analyst"),
    Page("reassignment (supervisor)", "/reports/reassignment/", "supervisor"),
    Page("sign-in page (anonymous)", "/accounts/login/", "anonymous"),
    Page("health check (anonymous)", "/healthz", "anonymous"),
]

# Downloads timed once each (first byte, last byte, the workers' memory): name, path, role.
DOWNLOADS = [
    Page("CSV export of every request (analyst)", "/requests/?tab=all&_export=csv", "analyst"),
]

# Placeholder → SQL returning one value (run against the benchmark database). The bench's
# Agency HR user belongs to OMH (scripts/harness.py), so the detail pages are OMH's richest.
PARAMS: dict[str, str] = {
    "omh": "SELECT id FROM facilities_agency WHERE code = 'OMH'",
    # The request with the most events (its version counts them) whose position has an incumbent.
    "request": "SELECT r.id FROM classification_reclassificationrequest r "
    "JOIN classification_position p ON p.id = r.position_id "
    "JOIN facilities_facility f ON f.id = p.facility_id "
    "JOIN facilities_agency a ON a.id = f.agency_id AND a.code = 'OMH' "
    "WHERE p.incumbent_id IS NOT NULL ORDER BY r.version DESC, r.id LIMIT 1",
    "facility": "SELECT f.id FROM facilities_facility f "
    "JOIN facilities_agency a ON a.id = f.agency_id AND a.code = 'OMH' ORDER BY (SELECT count(*) "
    "FROM classification_position p WHERE p.facility_id = f.id) DESC, f.id LIMIT 1",
    "person": "SELECT p.id FROM candidates_person p "
    "JOIN facilities_agency a ON a.id = p.agency_id AND a.code = 'OMH' "
    "WHERE EXISTS (SELECT 1 FROM candidates_credential c WHERE c.person_id = p.id) "
    "ORDER BY p.id LIMIT 1",
}
