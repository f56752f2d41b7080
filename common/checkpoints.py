"""Each audit chain's length and last row, anchored outside the database.

The hash chains (common.audit) show a row changed or removed in the middle, but not rows
removed from the end, nor a chain rewritten by someone with the owner's rights: what is left
still links up. So `manage.py checkpoint_audit`, on a schedule, appends to a file outside the
database (`HIM_AUDIT_CHECKPOINT_FILE`, one JSON object a line) each chain's row count and its
last row's id and hash, signed with an HMAC-SHA256 key the database never sees
(`HIM_AUDIT_CHECKPOINT_KEY`). `verify_audit` then checks every line's signature and that each
chain still holds the latest checkpoint's last row, at the position counted then: fewer rows,
or that row gone or moved, is a cut (docs/decisions/0016-audit-anchoring.md).
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from common.audit import GENESIS, chained_models


class CheckpointError(Exception):
    """The checkpoints cannot be written or read as configured (a person must fix it)."""


@dataclass(frozen=True)
class Head:
    rows: int
    last_id: int | None
    last_hash: str

    def as_json(self) -> dict:
        return {"rows": self.rows, "last_id": self.last_id, "last_hash": self.last_hash}


@dataclass(frozen=True)
class Checkpoint:
    line: int
    at: datetime
    chains: dict[str, Head]


def _keys() -> list[bytes]:
    names = [settings.HIM_AUDIT_CHECKPOINT_KEY, *settings.HIM_AUDIT_CHECKPOINT_KEY_FALLBACKS]
    keys = [k.encode() for k in names if k]
    if not keys:
        raise CheckpointError(
            "No checkpoint key: set HIM_AUDIT_CHECKPOINT_KEY (docs/operations.md, "
            '"Anchoring the audit trail").'
        )
    return keys


def _path() -> Path:
    return Path(settings.HIM_AUDIT_CHECKPOINT_FILE)


def _payload(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def sign(body: dict, key: bytes) -> str:
    return hmac.new(key, _payload(body), hashlib.sha256).hexdigest()


def current_heads() -> dict[str, Head]:
    """Each chain's row count and last row, each read in one statement (one snapshot)."""
    heads = {}
    with connection.cursor() as cursor:
        for model in sorted(chained_models(), key=lambda m: m._meta.label):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"SELECT (SELECT count(*) FROM {table}), "  # noqa: S608 (a model's own table)
                f"(SELECT id FROM {table} ORDER BY id DESC LIMIT 1), "
                f"(SELECT row_hash FROM {table} ORDER BY id DESC LIMIT 1)"
            )
            rows, last_id, last_hash = cursor.fetchone()
            heads[model._meta.label] = Head(rows, last_id, last_hash or GENESIS)
    return heads


def read_checkpoints() -> tuple[list[Checkpoint], list[str]]:
    """The file's correctly signed checkpoints, in order, and a sentence for each line that is
    not one (unreadable, or its signature does not match any key: forged or altered)."""
    path = _path()
    if not path.exists():
        return [], []
    keys = _keys()
    valid, problems = [], []
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
                signature = record.pop("signature")
                at = datetime.fromisoformat(record["at"])
                chains = {
                    label: Head(int(c["rows"]), c["last_id"], str(c["last_hash"]))
                    for label, c in record["chains"].items()
                }
            except (ValueError, KeyError, TypeError, AttributeError):
                problems.append(
                    f"Checkpoint line {number} of {path} cannot be read: it was damaged or "
                    "written by something else."
                )
                continue
            if not any(hmac.compare_digest(sign(record, key), str(signature)) for key in keys):
                problems.append(
                    f"Checkpoint line {number} of {path} is not signed with the checkpoint key: "
                    "it was forged or altered, and is not trusted."
                )
                continue
            valid.append(Checkpoint(number, at, chains))
    return valid, problems


def cuts_since(checkpoint: Checkpoint) -> list[str]:
    """A sentence for each chain that no longer holds what `checkpoint` counted."""
    when = timezone.localtime(checkpoint.at).strftime("%b %-d, %Y %-I:%M %p %Z")
    problems = []
    for label, then in checkpoint.chains.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            problems.append(f"{label}: the checkpoint of {when} counts it, but it is gone.")
            continue
        rows_now = model._default_manager.count()
        if then.rows == 0:
            continue
        position = None
        if then.last_id is not None:
            same = model._default_manager.filter(pk=then.last_id, row_hash=then.last_hash)
            if same.exists():
                position = model._default_manager.filter(pk__lte=then.last_id).count()
        if rows_now < then.rows:
            problems.append(
                f"{label}: rows were removed from the end. The checkpoint of {when} counted "
                f"{then.rows} rows, ending at row {then.last_id}; the table now has {rows_now}"
                f"{'' if position else f', and row {then.last_id} is not among them'}."
            )
        elif position is None:
            problems.append(
                f"{label}: the last row counted by the checkpoint of {when} (row "
                f"{then.last_id}) is gone or was changed: the chain was cut and rewritten."
            )
        elif position != then.rows:
            problems.append(
                f"{label}: the checkpoint of {when} counted {then.rows} rows up to row "
                f"{then.last_id}; there are now {position}: rows before it were removed or added."
            )
    return problems


def write_checkpoint(now: datetime | None = None) -> tuple[Path, dict[str, Head]]:
    """Append a signed checkpoint of every chain; refused (CheckpointError) if the chains no
    longer hold the last checkpoint's rows, so that a cut is never signed over."""
    key = _keys()[0]
    checkpoints, _ = read_checkpoints()
    if checkpoints:
        cuts = cuts_since(checkpoints[-1])
        if cuts:
            raise CheckpointError(
                "No checkpoint written: the audit trail was cut since the last one.\n"
                + "\n".join(cuts)
            )
    heads = current_heads()
    body = {
        "at": (now or timezone.now()).astimezone(UTC).isoformat(),
        "chains": {label: head.as_json() for label, head in heads.items()},
    }
    line = json.dumps({**body, "signature": sign(body, key)}, sort_keys=True) + "\n"
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return path, heads
