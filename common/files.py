"""Uploaded files reach their place only after the commit of the row that names them.

`stage()` gives a FileField its final (random) name at once, so the row is written with it,
but writes the bytes under `MEDIA_ROOT/staging/<final name>`; an on-commit hook moves them to
the final name (a rename on the same file system). So:

- a rolled-back transaction (an error, a refused form, an outer block rolled back) leaves no
  file where a row could name it; the staged copy is removed at once when the service that wrote
  it sees the error (`settled_on_error`), otherwise by `settle_staged`;
- a process killed before the commit leaves only a staged file, and one killed between the
  commit and the rename leaves a committed row whose file is still staged: `settle_staged`
  (the background worker runs it) moves what a row names and removes what none names once it
  is older than any transaction could be.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from contextlib import ContextDecorator
from pathlib import Path

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

STAGING = "staging"
# No transaction lives this long (statement_timeout is 15 s a statement): a staged file this
# old that no row names was left by a rollback or a killed process.
STAGED_GRACE_SECONDS = 3600

_local = threading.local()
logger = logging.getLogger(__name__)


def _staged_here() -> list[tuple[Storage, str]]:
    if not hasattr(_local, "staged"):
        _local.staged = []
    return _local.staged


def stage(field_file: FieldFile, filename: str, content: File) -> str:
    """Name `field_file` for good, write `content` under staging/, and move it into place once
    the current transaction commits. Returns the staged name."""
    storage = field_file.storage
    final = field_file.field.generate_filename(field_file.instance, filename)
    staged = storage.save(f"{STAGING}/{final}", content)
    final = staged.removeprefix(f"{STAGING}/")  # the storage may have made the name unique
    setattr(field_file.instance, field_file.field.attname, final)
    _staged_here().append((storage, staged))
    transaction.on_commit(lambda: promote(storage, staged), robust=True)
    return staged


def promote(storage: Storage, staged: str) -> None:
    """Move a staged file to its final name (no-op when it was moved already)."""
    target = Path(storage.path(staged.removeprefix(f"{STAGING}/")))
    target.parent.mkdir(parents=True, exist_ok=True)
    # FileNotFoundError: the committing process and the worker both got here; one moved it.
    with contextlib.suppress(FileNotFoundError):
        os.replace(storage.path(staged), target)
    _forget(storage, staged)


def discard(storage: Storage, staged: str) -> None:
    storage.delete(staged)
    _forget(storage, staged)


def _forget(storage: Storage, staged: str) -> None:
    pending = _staged_here()
    if (storage, staged) in pending:
        pending.remove((storage, staged))


def _named_by_a_row(name: str) -> bool:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and (
                model._default_manager.filter(**{field.name: name}).exists()
            ):
                return True
    return False


def settle(storage: Storage, staged: str, *, grace: float) -> str:
    """One staged file: "moved" when a committed row names it, "removed" when none does and it
    is older than `grace` seconds, else "kept" (its transaction may still be open)."""
    if _named_by_a_row(staged.removeprefix(f"{STAGING}/")):
        promote(storage, staged)
        return "moved"
    try:
        age = time.time() - os.path.getmtime(storage.path(staged))
    except FileNotFoundError:
        return "moved"  # promoted meanwhile
    if age >= grace:
        discard(storage, staged)
        return "removed"
    return "kept"


def settle_staged(*, grace: float = STAGED_GRACE_SECONDS, storage: Storage | None = None) -> dict:
    """Settle every staged file (the worker's periodic sweep); how many ended each way."""
    storage = storage or default_storage
    root = Path(storage.path(STAGING))
    counts: dict[str, int] = {}
    if not root.is_dir():
        return counts
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        outcome = settle(storage, str(path.relative_to(storage.path(""))), grace=grace)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def private_download(field_file: FieldFile, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download for the one user asking (never cached, never sniffed). A
    committed row whose file is not in place (still staged, which the sweep settles, or lost)
    is not found for the reader and logged for the team, not a server error."""
    try:
        opened = field_file.open("rb")
    except FileNotFoundError:
        logger.error("The file %s of a committed row is not in place", field_file.name)
        raise Http404("file not in place") from None
    response = FileResponse(
        opened, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class settled_on_error(ContextDecorator):
    """Around a service's outermost transaction: if it raises, the files it staged are settled
    at once (removed, as no committed row names them) instead of waiting for the sweep. Inside
    someone else's transaction it does nothing: that transaction's fate is not known yet."""

    def __enter__(self):
        self._outermost = not connection.in_atomic_block
        self._before = list(_staged_here())
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and self._outermost and not connection.in_atomic_block:
            for storage, staged in [s for s in _staged_here() if s not in self._before]:
                try:
                    settle(storage, staged, grace=0)
                except Exception:  # the database is down too: the sweep settles it later
                    logger.warning("Left %s for the sweep", staged, exc_info=True)
        return False
