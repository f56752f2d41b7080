"""Writes for positions: creation and the effective-dated history of their titles."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from candidates.models import Person
from facilities.models import Facility, User

from ..effective_dates import effective_date_problems, long_date
from ..models import (
    Position,
    PositionTitleChange,
    ReclassificationRequest,
    Title,
)
from ..selectors import (
    latest_title_change_on,
    pending_title_change,
    title_in_effect,
    title_on,
)


@transaction.atomic
def create_position(
    *,
    item_number: str,
    facility: Facility,
    title: Title,
    effective_on: date,
    incumbent: Person | None = None,
    reports_to: Position | None = None,
    actor: User | None = None,
) -> Position:
    """A new position and the first row of its title history."""
    position = Position(
        item_number=item_number,
        facility=facility,
        title=title,
        incumbent=incumbent,
        reports_to=reports_to,
    )
    position.full_clean()
    position.save()
    PositionTitleChange.objects.create(
        position=position, to_title=title, effective_on=effective_on, changed_by=actor
    )
    return position


def record_title_change(
    *,
    position: Position,
    to_title: Title,
    effective_on: date,
    actor: User | None,
    today: date,
    reclassification: ReclassificationRequest | None = None,
) -> PositionTitleChange:
    """Append a change to the position's effective-dated title history, and apply it now if
    it is already in effect (`today`, a New York date); a later date stays pending until
    `apply_due_title_changes` runs on it. The one way a decision changes a title (approval;
    an appeal's outcome too). The caller holds the position's row lock (taken before any
    request's: docs/conventions.md) and has checked `effective_on`
    (`effective_dates.effective_date_problems`)."""
    change = PositionTitleChange.objects.create(
        position=position,
        from_title=title_in_effect(position, effective_on),
        to_title=to_title,
        effective_on=effective_on,
        reclassification=reclassification,
        changed_by=actor,
    )
    apply_title_in_effect(position, today)
    return change


def apply_title_in_effect(position: Position, on: date) -> bool:
    """Store in `position.title` the title its history puts in effect on `on`; True if it
    changed. The caller holds the position's row lock."""
    title = title_in_effect(position, on)
    if title.pk == position.title_id:
        return False
    position.title = title
    position.full_clean()
    position.save(update_fields=["title"])
    return True


def apply_due_title_changes(*, on: date) -> list[Position]:
    """Every position whose stored title is not the one its history puts in effect on `on`
    (a New York date) takes that title: the daily run (`manage.py apply_due_title_changes`)
    that makes a future-dated approval take effect on its date. Each position in its own
    transaction, locked (a position before its requests; no request is locked here) and read
    again under the lock, in id order: running it twice, or twice at once, changes each
    position once. Returns the positions changed."""
    due = list(
        Position.objects.annotate(title_on=title_on(on))
        .exclude(title_id=F("title_on"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = []
    for pk in due:
        with transaction.atomic():
            position = Position.objects.select_for_update(of=("self",)).get(pk=pk)
            if apply_title_in_effect(position, on):
                changed.append(position)
    return changed


def _check_effective_date(
    position: Position,
    day: date | None,
    *,
    today: date,
    field: str,
    submitted_on: date | None = None,
    retroactive_reason: str = "",
) -> None:
    if day is None:
        return
    problems = effective_date_problems(
        day,
        today=today,
        latest_change_on=latest_title_change_on(position),
        submitted_on=submitted_on,
        retroactive_reason=retroactive_reason,
    )
    if problems:
        raise ValidationError({field: list(problems)})


def _check_no_pending_change(position: Position, today: date) -> None:
    pending = pending_title_change(position, today)
    if pending is not None:
        raise ValidationError(
            _(
                "Position %(item)s becomes %(title)s on %(date)s. A new request can start "
                "once that change has taken effect."
            )
            % {
                "item": position.item_number,
                "title": pending.to_title.short_name,
                "date": long_date(pending.effective_on),
            }
        )
