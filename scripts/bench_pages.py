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
    Page("dashboard (supervisor)", "/", "supervisor"),
    Page("drift report (analyst)", "/reports/drift/", "analyst"),
    Page("drift report (Agency HR)", "/reports/drift/", "hr"),
    Page("turnaround report (analyst)", "/reports/turnaround/", "analyst"),
    Page("reassignment (supervisor)", "/reports/reassignment/", "supervisor"),
    Page("sign-in page (anonymous)", "/accounts/login/", "anonymous"),
    Page("health check (anonymous)", "/healthz", "anonymous"),
    # Once the feature pages land, for example:
    # Page("queue, first page", "/reclassifications/", "analyst"),
    # Page("facility", "/facilities/{facility}/", "hr"),
]

# Placeholder → SQL returning one value (run against the benchmark database).
PARAMS: dict[str, str] = {
    # "facility": "SELECT f.id FROM facilities_facility f JOIN facilities_agency a "
    # "ON a.id = f.agency_id WHERE a.code = 'OMH' ORDER BY f.id LIMIT 1",
}
