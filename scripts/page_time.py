"""Server time of one page, in-process: `python scripts/page_time.py PATH [ROLE] [N]`.

Production settings (DEBUG off) against DATABASE_URL (a PostgreSQL database with bulk data and
the users `make bench` creates: ops-analyst, ops-supervisor, ops-hr), the Django test client
signed in as ROLE (analyst, supervisor or hr; default analyst). One warm-up, then N requests
(default 20): prints the minimum, median and maximum milliseconds, the number of queries and
their database time. `--sql` also prints each query with its time. No network, no
concurrency: what one request costs the server, the figure the reports' "under 300 ms" means.

`python scripts/page_time.py --all [N]` times every signed-in page of scripts/bench_pages.py the
same way (placeholders filled from its PARAMS) and prints a Markdown table of the median, the
minimum, the queries and the page's weight: the figures issue 16's targets are set in.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.harness import BASE_DIR, production_environment

USERS = {"analyst": "ops-analyst", "supervisor": "ops-supervisor", "hr": "ops-hr"}


def setup() -> None:
    # The app server's own environment (scripts/harness.py), for the test client's host.
    environment = production_environment(
        database_url=os.environ["DATABASE_URL"],
        static_root=BASE_DIR / "var" / "staticfiles",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    os.environ.clear()
    os.environ.update(environment)
    import django

    django.setup()
    from django.conf import settings

    # Pages render without collectstatic's manifest.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


def time_page(path: str, role: str, n: int):
    """(times in ms, captured queries, body bytes) of N requests after one warm-up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from facilities.models import User

    client = Client(secure=True)
    client.force_login(User.objects.get(username=USERS[role]))
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return times, queries.captured_queries, len(body)


def time_all(n: int) -> None:
    import psycopg

    from scripts.bench_pages import PAGES, PARAMS

    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        values = {name: str(connection.execute(sql).fetchone()[0]) for name, sql in PARAMS.items()}
    setup()
    print("| page | role | path | p50 ms | min ms | queries | KB |")
    print("|---|---|---|---:|---:|---:|---:|")
    for page in PAGES:
        if page.role not in USERS:
            continue
        path = page.path.format(**values)
        times, queries, size = time_page(path, page.role, n)
        print(
            f"| {page.name} | {page.role} | `{path}` | {statistics.median(times):.1f} "
            f"| {min(times):.1f} | {len(queries)} | {size / 1024:.0f} |",
            flush=True,
        )


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    if "DATABASE_URL" not in os.environ:
        raise SystemExit(__doc__)
    if "--all" in argv:
        return time_all(int((args[:1] or ["20"])[0]))
    if not args:
        raise SystemExit(__doc__)
    path, role, n = args[0], (args[1:2] or ["analyst"])[0], int((args[2:3] or ["20"])[0])
    setup()
    times, queries, size = time_page(path, role, n)
    db_ms = sum(float(q["time"]) for q in queries) * 1000
    print(
        f"{path} ({role}): min {min(times):.1f}, median {statistics.median(times):.1f}, "
        f"max {max(times):.1f} ms; {len(queries)} queries, {db_ms:.0f} ms in the database; "
        f"{size / 1024:.0f} KB"
    )
    if "--sql" in argv:
        for q in queries:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:200]}")


if __name__ == "__main__":
    main(sys.argv[1:])
