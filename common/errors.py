"""The two ways a service says no, the same in every app (docs/architecture.md):

- `ConflictError`: the row changed since the form was drawn (its version moved on, or what the
  form was about is gone). Nothing was written; the person reloads and tries again.
- `Refused`: this person may not do this, to this row, now (role, agency, state, deadline).
  Nothing was written. It is a `PermissionDenied`, so one that no view catches is a 403 page;
  views that can say why show `message`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied


class ConflictError(Exception):
    def __init__(self, message: Any = "", current: Any = None) -> None:
        super().__init__(message)
        self.message = message
        #: The row as it now stands, where the form can show it (counts).
        self.current = current


class Refused(PermissionDenied):
    def __init__(self, message: Any = "") -> None:
        super().__init__(message)
        self.message = message
