"""Server time of one page, in-process: `python scripts/page_time.py PATH [ROLE] [N]`.

Production settings (DEBUG off) against DATABASE_URL (a PostgreSQL database with bulk data and
the users `make bench` creates: ops-analyst, ops-supervisor, ops-hr), the Django test client
signed in as ROLE (analyst, supervisor or hr; default analyst). One warm-up, then N requests
(default 20): prints the minimum, median and maximum milliseconds, the number of queries and
their database time. `--sql` also prints each query with its time. No network, no
concurrency: what one request costs the server, the figure the reports' "under 300 ms" means.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.harness import BASE_DIR, production_environment

USERS = {"analyst": "ops-analyst", "supervisor": "ops-supervisor", "hr": "ops-hr"}


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    if not args or "DATABASE_URL" not in os.environ:
        raise SystemExit(__doc__)
    path, role, n = args[0], (args[1:2] or ["analyst"])[0], int((args[2:3] or ["20"])[0])
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
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from facilities.models import User

    # Pages render without collectstatic's manifest.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    client = Client(secure=True)
    client.force_login(User.objects.get(username=USERS[role]))
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    db_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(
        f"{path} ({role}): min {min(times):.1f}, median {statistics.median(times):.1f}, "
        f"max {max(times):.1f} ms; {len(queries)} queries, {db_ms:.0f} ms in the database"
    )
    if "--sql" in argv:
        for q in queries.captured_queries:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:200]}")


if __name__ == "__main__":
    main(sys.argv[1:])
