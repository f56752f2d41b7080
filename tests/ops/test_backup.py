"""Backups: `make backup` / `make restore` round-trip every row of every table (issue 9).

The round trip fills every model's table (tests/ops/rows.py), backs the test database up with
scripts/pgbackup.py, restores the archive into a new, empty database and compares each table's
row count and content checksum there, read with psycopg directly.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection, connections
from psycopg import sql

from scripts import pgbackup
from tests.ops.rows import empty_tables, fill_every_table

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _url(database: str) -> str:
    """As the tables' owner, who backs up and restores (the site's role may not create)."""
    s = connections["owner"].settings_dict
    credentials = quote(s["USER"], safe="") + (
        ":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else ""
    )
    # The local server (config/settings/database.py) is reached by its socket's folder: a
    # percent-encoded path where a URL's host goes.
    host = quote(s["HOST"] or "127.0.0.1", safe="")
    return f"postgres://{credentials}@{host}:{s['PORT'] or 5432}/{database}"


def _snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Every table in the public schema → (row count, md5 of its rows in a fixed order)."""
    with psycopg.connect(url) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: db.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                    " FROM {} AS t"
                ).format(sql.Identifier(table))
            ).fetchone()
            for table in tables
        }


def _run(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/pgbackup.py", *args],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "DATABASE_OWNER_URL": url},
        capture_output=True,
        text=True,
    )


@pytest.fixture
def fresh_database():
    """A new, empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_a_fresh_database_finds_every_row(tmp_path, fresh_database):
    fill_every_table()
    assert empty_tables() == [], "add a maker for these models to tests/ops/rows.py MAKERS"
    source = _url(connection.settings_dict["NAME"])
    before = _snapshot(source)

    backup = _run("backup", "--dir", str(tmp_path), url=source)
    assert backup.returncode == 0, backup.stderr
    (archive,) = tmp_path.glob("him-*.dump")
    assert archive.stat().st_mode & 0o077 == 0, "the dump holds personal data: owner-only"

    restore = _run("restore", str(archive), url=_url(fresh_database))
    assert restore.returncode == 0, restore.stderr
    after = _snapshot(_url(fresh_database))

    assert after.keys() == before.keys()
    assert {t: c for t, (c, _) in after.items()} == {t: c for t, (c, _) in before.items()}
    assert after == before  # and the same content, row for row
    for table in ("facilities_user", "facilities_agency", "facilities_facility"):
        assert after[table][0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_failed_restore_leaves_the_database_as_it_was(tmp_path, fresh_database):
    broken = tmp_path / "him-broken.dump"
    broken.write_bytes(b"PGDMP this is not an archive")
    target = _url(fresh_database)
    with psycopg.connect(target, autocommit=True) as db:
        db.execute("CREATE TABLE kept (id int)")
        db.execute("INSERT INTO kept VALUES (1)")
    result = _run("restore", str(broken), url=target)
    assert result.returncode == 1
    assert "left as it was" in result.stderr
    assert _snapshot(target)["kept"][0] == 1


@pytest.mark.parametrize(
    "url, message",
    [
        ("", "DATABASE_URL is not set"),
        ("mysql://him:him@127.0.0.1/him", "not PostgreSQL"),
        ("mysql://u:p@localhost/him", "not PostgreSQL"),
    ],
)
def test_backup_refuses_what_is_not_postgresql(url, message, tmp_path):
    result = _run("backup", "--dir", str(tmp_path), url=url)
    assert result.returncode == 1
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(pgbackup.BackupError, match="No such backup file"):
        pgbackup.restore(url="postgres://u:p@127.0.0.1/x", archive=tmp_path / "nope.dump")


def test_make_restore_without_file_refuses_and_asks_nothing():
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", "install", "restore"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
        timeout=30,
    )
    assert result.returncode == 2
    assert "usage: make restore FILE=" in result.stderr


def test_the_password_never_reaches_the_command_line():
    environment = pgbackup.libpq_environment("postgres://him:s%40cret@db.internal:5433/him")
    assert environment["PGPASSWORD"] == "s@cret"
    assert environment["PGHOST"] == "db.internal" and environment["PGPORT"] == "5433"
    assert environment["PGDATABASE"] == "him"
