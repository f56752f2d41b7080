"""/healthz during a database outage: 503, never 500, for every caller (issue 14).

Production settings in gunicorn on a throw-away PostgreSQL cluster (tests/ops/cluster.py),
which is really stopped. A load balancer's probe often carries cookies (a signed-in session,
or one that has expired): the view answered 503, but the session middleware then read the
session from the stopped database on the way out and the answer became a 500. A probe must
see the same "database unavailable" whoever sends it, and 200 again once PostgreSQL is back.
"""

import time

import pytest

from scripts.harness import SIGN_IN_USERS, Client, Gunicorn, prepare_site, production_environment
from tests.ops.cluster import drop_cluster, make_cluster

UNAVAILABLE = b"database unavailable\n"


@pytest.fixture
def cluster():
    made = make_cluster()
    yield made
    drop_cluster(made)


def test_healthz_answers_503_while_the_database_is_stopped(cluster, tmp_path):
    url = cluster.create_database("him_healthz")
    env = production_environment(database_url=url, static_root=tmp_path / "static")
    password = prepare_site(env)
    with Gunicorn(env, workers=1, log=tmp_path / "gunicorn.log") as gunicorn:
        anonymous = Client(gunicorn.port)
        signed_in = Client(gunicorn.port)
        signed_in.sign_in(SIGN_IN_USERS["analyst"][0], password)
        stale = Client(gunicorn.port)
        stale.cookies["sessionid"] = "x" * 32  # a session the database does not hold
        callers = {"anonymous": anonymous, "signed in": signed_in, "stale cookie": stale}
        assert {name: c.get("/healthz").status for name, c in callers.items()} == dict.fromkeys(
            callers, 200
        )

        cluster.stop("fast")
        try:
            answers = {name: c.get("/healthz") for name, c in callers.items()}
            again = {name: c.get("/healthz") for name, c in callers.items()}
        finally:
            cluster.start()
        for round_ in (answers, again):
            got = {name: (r.status, r.body) for name, r in round_.items()}
            assert got == dict.fromkeys(callers, (503, UNAVAILABLE)), got
            assert all(
                r.headers.get("Cache-Control", "").count("no-store") for r in round_.values()
            )

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if all(c.get("/healthz").status == 200 for c in callers.values()):
                break
            time.sleep(0.2)
        assert {name: c.get("/healthz").status for name, c in callers.items()} == dict.fromkeys(
            callers, 200
        )
        assert signed_in.get("/").status == 200  # the session outlived the outage
