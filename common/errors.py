"""The two ways a service says no, the same in every app (docs/architecture.md):

- `ConflictError`: the row changed since the form was drawn (its version moved on, or what the
  form was about is gone). Nothing was written; the person reloads and tries again.
- `Refused`: this person may not do this, to this row, now (role, agency, state, deadline).
  Nothing was written. It is a `PermissionDenied`, so one that no view catches is a 403 page;
  views that can say why show `message`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction


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


def save_checked(obj: models.Model) -> None:
    """`full_clean`, then save. Two requests adding the same thing at once (a form posted
    twice) both pass the check; the second's insert then breaks a unique constraint. That
    second one gets the ValidationError the check gives once the first has committed, as a
    form error, and nothing is written."""
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        obj.validate_unique()
        obj.validate_constraints()
        raise  # another constraint: not a duplicate the person can fix
