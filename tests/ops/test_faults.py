"""Faults: PostgreSQL restarts while signed-in users load the site (issue 9).

Production settings (DEBUG off) in gunicorn with 2 sync workers on loopback, on a throw-away
PostgreSQL cluster of its own (never the shared one). Threads request the pages of
scripts/bench_pages.py as their roles and sign in afresh now and then (writes); mid-load the
cluster stops for a moment and starts again. Requests in flight must fail cleanly (the
project's 500 page, or its 400 page when only the session could not be saved, without a
traceback; or 503 from /healthz), the site must serve again within
10 s without restarting gunicorn, and no invariant of tests/ops/invariants.py may break.
"""

import threading
import time
from dataclasses import dataclass

import psycopg
import pytest
from django.template.loader import render_to_string

from scripts.bench_pages import PAGES
from scripts.harness import (
    SIGN_IN_USERS,
    Client,
    Gunicorn,
    SignInError,
    prepare_site,
    production_environment,
)
from tests.ops.cluster import drop_cluster, make_cluster
from tests.ops.invariants import violations

# What Django's own handlers serve: the templates rendered with no request and no context.
ERROR_PAGES = {
    500: "500.html",
    # Django answers 400 (SessionInterrupted) when the session cannot be saved at the end of a
    # request whose view had already run: the database went away in between.
    400: "400.html",
}
THREADS = 4
SIGN_IN_EVERY = 25  # steps; password hashing is deliberately slow
MAX_REQUESTS = 4000  # bounded in count as well as in time
RECOVERY_SECONDS = 10


@dataclass
class Outcome:
    started: float
    finished: float
    what: str
    status: int | None
    body: bytes = b""
    error: str = ""


@pytest.fixture
def cluster():
    made = make_cluster()
    yield made
    drop_cluster(made)


def _load(port: int, password: str, stop: threading.Event, outcomes: list, index: int) -> None:
    """One simulated user: pages of its role in turn; now and then a fresh sign-in (writes)."""
    role = ["analyst", "hr", "supervisor"][index % 3]
    # Its own role's pages only: another role's page may rightly answer 403.
    pages = [
        page for page in PAGES if page.path.count("{") == 0 and page.role in (role, "anonymous")
    ]
    client = Client(port, timeout=15)
    step = 0
    while not stop.is_set() and len(outcomes) < MAX_REQUESTS:
        step += 1
        started = time.monotonic()
        if step % SIGN_IN_EVERY == 1:
            what = f"sign-in as {role}"
            try:
                client = Client(port, timeout=15)
                client.sign_in(SIGN_IN_USERS[role][0], password)
                outcomes.append(Outcome(started, time.monotonic(), what, 302))
            except SignInError as error:  # the sign-in page or form answered an error
                answer = error.response
                outcomes.append(
                    Outcome(started, time.monotonic(), what, answer.status, answer.body, str(error))
                )
                step = 0  # not signed in: try again rather than load pages as nobody
            except OSError as error:
                outcomes.append(Outcome(started, time.monotonic(), what, None, error=repr(error)))
                step = 0
            continue
        page = pages[step % len(pages)]
        visitor = client if page.role != "anonymous" else Client(port, timeout=15)
        try:
            answer = visitor.get(page.path)
            outcomes.append(
                Outcome(started, time.monotonic(), page.path, answer.status, answer.body)
            )
        except OSError as error:
            outcomes.append(Outcome(started, time.monotonic(), page.path, None, error=repr(error)))
        time.sleep(0.01)


def _clean_failure(outcome: Outcome) -> bool:
    if outcome.status == 503:
        return outcome.what == "/healthz" and outcome.body == b"database unavailable\n"
    if outcome.status in ERROR_PAGES:
        return (
            outcome.body.strip() == render_to_string(ERROR_PAGES[outcome.status]).encode().strip()
            and b"Traceback" not in outcome.body
        )
    return False


def test_a_database_restart_under_load_fails_cleanly_and_recovers(cluster, tmp_path):
    url = cluster.create_database("him_faults")
    env = production_environment(database_url=url, static_root=tmp_path / "static")
    password = prepare_site(env)

    server_log = tmp_path / "gunicorn.log"
    with Gunicorn(env, workers=2, log=server_log) as gunicorn:
        master_pid = gunicorn.process.pid
        probe = Client(gunicorn.port)
        probe.sign_in(SIGN_IN_USERS["analyst"][0], password)
        stop = threading.Event()
        outcomes: list[Outcome] = []
        threads = [
            threading.Thread(target=_load, args=(gunicorn.port, password, stop, outcomes, i))
            for i in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        try:
            # Steady load first (time-bounded: the machine may be busy with other work).
            deadline = time.monotonic() + 20
            while sum(o.status == 200 for o in outcomes) < 12 and time.monotonic() < deadline:
                time.sleep(0.1)
            restart_began = time.monotonic()
            cluster.stop("fast")  # in-flight queries are cut off
            time.sleep(1.5)  # down for a moment: requests keep arriving
            cluster.start()  # returns once PostgreSQL accepts connections
            database_back = time.monotonic()
            recovered_at = None
            while time.monotonic() - database_back < RECOVERY_SECONDS + 5:
                if probe.get("/").status == 200 and probe.get("/healthz").status == 200:
                    recovered_at = time.monotonic()
                    break
                time.sleep(0.1)
            # Load on the recovered site: both workers must serve (bounded in time).
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and (
                recovered_at is None
                or sum(o.started > recovered_at + 1 for o in outcomes) < 3 * THREADS
            ):
                time.sleep(0.1)
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        gunicorn_alive = gunicorn.process.poll() is None and gunicorn.process.pid == master_pid

    assert recovered_at is not None, (
        f"no 200 within {RECOVERY_SECONDS + 5} s:\n{cluster.log()[-2000:]}"
    )
    # The site cannot serve before its database does: count from the database's return.
    assert recovered_at - database_back <= RECOVERY_SECONDS
    assert gunicorn_alive, "gunicorn must not need a restart"

    during = [o for o in outcomes if restart_began <= o.finished and o.started <= recovered_at]
    failures = [o for o in outcomes if o.status not in (200, 302)]
    assert any(o.status == 200 and o.finished < restart_began for o in outcomes)
    assert failures, "the restart cut off no request: the test tested nothing"
    assert all(o in during for o in failures), "failures outside the outage"
    unclean = [o for o in failures if not _clean_failure(o)]
    assert not unclean, [(o.what, o.status, o.error, o.body[:300]) for o in unclean[:3]]

    after = [o for o in outcomes if o.started > recovered_at + 1]
    assert len(after) >= 3 * THREADS
    assert all(o.status in (200, 302) for o in after), [(o.what, o.status) for o in after[:5]]
    # Still signed in: the session outlived the restart (no redirect to the sign-in page).
    redirected = [o.what for o in after if o.status != 200 and not o.what.startswith("sign-in")]
    assert not redirected

    # The errors reached the server's log, where operators look, and only there.
    assert "OperationalError" in server_log.read_text()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        assert violations(cursor) == {}
