"""Back up and restore the site's PostgreSQL database with pg_dump / pg_restore, as the tables'
owner (DATABASE_OWNER_URL; DATABASE_URL where there is no owner of its own).

    python scripts/pgbackup.py backup [--dir var/backups]   → var/backups/him-<UTC>.dump
    python scripts/pgbackup.py restore FILE                  → into DATABASE_URL's database

Run by `make backup` and `make restore FILE=...`. Nothing is asked interactively; the password
goes to the PostgreSQL tools through the environment, never on the command line.
"""

import argparse
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

import dj_database_url  # noqa: E402

from scripts import pgtools  # noqa: E402

POSTGRES_ENGINES = {"django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"}


class BackupError(Exception):
    """Something a person must fix before a backup or restore can run."""


def libpq_environment(url: str) -> dict[str, str]:
    """PG* variables for the database in `url`; BackupError unless it is PostgreSQL."""
    if not url:
        raise BackupError("DATABASE_URL is not set: backups need PostgreSQL (postgres://...).")
    try:
        config = dj_database_url.parse(url)
    except Exception as error:  # dj-database-url raises several types for a bad URL
        raise BackupError(f"DATABASE_URL cannot be read: {error}") from error
    if config.get("ENGINE") not in POSTGRES_ENGINES:
        raise BackupError(
            f"DATABASE_URL names {config.get('ENGINE')}, not PostgreSQL: "
            "pg_dump backs up PostgreSQL only."
        )
    environment = {"PGDATABASE": config["NAME"], "PGCONNECT_TIMEOUT": "10"}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if config.get(key):
            environment[variable] = str(config[key])
    if config.get("PASSWORD"):
        environment["PGPASSWORD"] = config["PASSWORD"]
    sslmode = config.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = sslmode
    return environment


def _server_major(environment: dict[str, str]) -> int | None:
    """The major version of the server `environment` names (None if it cannot be reached:
    pg_dump then says why)."""
    import psycopg

    keys = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user", "PGPASSWORD": "password"}
    params = {keys[k]: v for k, v in environment.items() if k in keys}
    try:
        with psycopg.connect(dbname=environment["PGDATABASE"], connect_timeout=10, **params) as c:
            return c.info.server_version // 10000
    except psycopg.Error:
        return None


def _tool(name: str, environment: dict[str, str]) -> str:
    """`name` of the server's own major version (scripts/pgtools.py says why)."""
    major = _server_major(environment)
    path = pgtools.tool(name, major=major) if major else pgtools.tool(name)
    if not path:
        raise BackupError(
            f"{name}{f' {major}' if major else ''} not found: install the PostgreSQL client"
            f"{f' {major}' if major else ''} (apt-get install postgresql-client)."
        )
    return path


def backup(*, url: str, directory: Path) -> Path:
    """Write a pg_dump custom-format archive of the database to `directory` and return its path."""
    environment = libpq_environment(url)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"him-{stamp}.dump"
    partial = target.with_suffix(".dump.partial")
    old_umask = os.umask(0o077)  # the dump holds password hashes and personal data
    try:
        subprocess.run(
            [
                _tool("pg_dump", environment),
                "--format=custom",
                "--no-password",
                f"--file={partial}",
            ],
            env={**os.environ, **environment},
            check=True,
        )
    except subprocess.CalledProcessError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"pg_dump failed (exit {error.returncode}); no backup written."
        ) from error
    finally:
        os.umask(old_umask)
    partial.rename(target)  # a half-written file never carries the final name
    return target


def restore(*, url: str, archive: Path) -> None:
    """Restore `archive` into the database, replacing the objects it holds, in one transaction.

    A failure rolls everything back: the database is as it was before.
    """
    environment = libpq_environment(url)
    if not archive.is_file():
        raise BackupError(f"No such backup file: {archive}")
    try:
        subprocess.run(
            [
                _tool("pg_restore", environment),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={environment['PGDATABASE']}",
                str(archive),
            ],
            env={**os.environ, **environment},
            check=True,
        )
    except subprocess.CalledProcessError as error:
        raise BackupError(
            f"pg_restore failed (exit {error.returncode}); the database was left as it was."
        ) from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    backup_parser = commands.add_parser("backup", help="write var/backups/him-<UTC>.dump")
    backup_parser.add_argument("--dir", type=Path, default=BASE_DIR / "var" / "backups")
    restore_parser = commands.add_parser("restore", help="restore FILE into DATABASE_URL")
    restore_parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    # The owner: a restore recreates the tables, which the site's role may not.
    url = os.environ.get("DATABASE_OWNER_URL") or os.environ.get("DATABASE_URL", "")
    try:
        if args.command == "backup":
            print(f"Backup written: {backup(url=url, directory=args.dir)}")
        else:
            restore(url=url, archive=args.file)
            print(f"Restored {args.file} into {libpq_environment(url)['PGDATABASE']}.")
            print("Now give the site's role its rights again: python manage.py grant_app_role")
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
