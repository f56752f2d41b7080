"""Permission-aware reads of positions and of their titles on a day (the effective-dated
history), the chief of a facility."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict

from django.db.models import (
    F,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

if TYPE_CHECKING:  # django-stubs-ext is a development package
    from django_stubs_ext import WithAnnotations
from classification.standard import (
    ADMINISTRATOR_CODES,
    TITLES_BY_CODE,
    title_rank,
)
from facilities import permissions
from facilities.models import Facility, User

from ..models import Position, PositionTitleChange, ReclassificationRequest, Title


class _Unset(Enum):
    """The type of "not given", where None is a meaningful value (PEP 484's sentinel idiom)."""

    UNSET = 0


UNSET: Final = _Unset.UNSET
Unset = Literal[_Unset.UNSET]


def positions_visible_to(user: User) -> QuerySet[Position]:
    """Positions `user` may see: all for DCC staff, its agency's for Agency HR, an employee's
    own (the positions an administrator linked to them), else none."""
    qs = Position.objects.select_related("facility__agency", "title", "incumbent", "reports_to")
    if permissions.is_dcc_staff(user):
        return qs
    if permissions.is_agency_hr(user) and user.agency_id is not None:
        return qs.filter(facility__agency_id=user.agency_id)
    if permissions.is_employee(user):
        return qs.filter(employees=user)
    return qs.none()


def positions_for_facility(user: User, facility: Facility) -> QuerySet[Position]:
    """The positions of one facility that `user` may see (none if the facility is not theirs)."""
    return (
        positions_visible_to(user).filter(facility=facility).order_by("-title__rank", "item_number")
    )


# Annotated querysets: what `annotate` adds is declared once here (a TypedDict per set of
# annotations) and the rows typed `WithAnnotations[Model, Facts]` (django-stubs), so that
# mypy knows the names. Values from subqueries are None when the subquery finds no row.
class TitleOnFacts(TypedDict):
    # chiefs_on keeps only the positions with an Administrator title that day: never None.
    title_code_on: str
    title_rank_on: int


class LatestCountsFacts(TypedDict):
    fiscal_year: int
    individuals_served: int
    records_activities: int


class ChiefFacts(TypedDict):
    pk: int
    item_number: str
    title_code: str  # the title in effect on the day asked


class RequestPageFacts(TypedDict):
    latest_counts: LatestCountsFacts | None  # None: no accepted counts
    chief_facts: ChiefFacts | None  # None: no chief position


def chiefs_on(on: date, **filters: Any) -> QuerySet[WithAnnotations[Position, TitleOnFacts]]:
    """Active positions holding an Administrator title on `on`, highest first (then by item
    number), annotated with that title's `title_code_on` and `title_rank_on` (each a subquery
    to build and compile: no more than the callers read). The first of a facility's is its
    chief HIM position that day."""
    return (
        Position.objects.filter(active=True, **filters)
        .annotate(
            title_code_on=title_on(on, field="to_title__code"),
            title_rank_on=title_on(on, field="to_title__rank"),
        )
        .filter(title_code_on__in=ADMINISTRATOR_CODES)
        .order_by("-title_rank_on", "item_number")
    )


def title_for_display(code: str) -> Title:
    """An unsaved copy of the title of occ. code `code`, made from the standard's table that
    the Title table is seeded from (classification.titles): for reading, without a query."""
    t = TITLES_BY_CODE[code]
    rank = title_rank(code) + 1  # the rank classification.titles seeds
    return Title(code=t.code, name=t.name, grade=t.grade, rank=rank)


def _stand_in(pk: int, item_number: str, code: str) -> Position:
    return Position(pk=pk, item_number=item_number, title=title_for_display(code))


def chief_position(facility: Facility, on: date | None = None) -> Position | None:
    """The facility's chief HIM position on `on` (New York today by default): its highest
    active Administrator position by the title in effect that day, or None. For reading only:
    an unsaved stand-in holding the id, item number and the title in effect on `on`."""
    on = on or timezone.localdate()
    chief = chiefs_on(on, facility=facility).values("pk", "item_number", "title_code_on").first()
    if chief is None:
        return None
    return _stand_in(chief["pk"], chief["item_number"], chief["title_code_on"])


def _changes_in_effect(
    position_ref: Position | OuterRef, on: date
) -> QuerySet[PositionTitleChange]:
    return PositionTitleChange.objects.filter(position=position_ref, effective_on__lte=on).order_by(
        "-effective_on", "-changed_at", "-pk"
    )


def title_on(on: date, *, field: str = "to_title") -> Coalesce:
    """An expression for a position's title in effect on `on`, for annotating a queryset of
    positions: `field` "to_title" gives the title's id, "to_title__code" its code, and so on.
    A position without history then keeps its stored title."""
    stored = "title_id" if field == "to_title" else field.replace("to_title", "title", 1)
    subquery = Subquery(_changes_in_effect(OuterRef("pk"), on).values(field)[:1])
    return Coalesce(subquery, F(stored))


def title_in_effect(position: Position, on: date) -> Title:
    """The title `position` holds on `on` (its stored title if it has no history then)."""
    change = _changes_in_effect(position, on).select_related("to_title").first()
    return change.to_title if change is not None else position.title


def pending_title_change(position: Position, today: date) -> PositionTitleChange | None:
    """The position's next title change still to take effect after `today`, if any."""
    return (
        PositionTitleChange.objects.filter(position=position, effective_on__gt=today)
        .select_related("to_title", "reclassification")
        .order_by("effective_on", "changed_at", "pk")
        .first()
    )


def latest_title_change_on(position: Position) -> date | None:
    """The effective date of the position's latest title change (pending ones included)."""
    return (
        PositionTitleChange.objects.filter(position=position)
        .order_by("-effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )


def chief_of(r: WithAnnotations[ReclassificationRequest, RequestPageFacts]) -> Position | None:
    """The chief position annotated by `with_request_page_facts`, for display only: an
    unsaved stand-in holding its id, item number and title in effect (from the standard's
    table)."""
    chief = r.chief_facts
    if chief is None:
        return None
    return _stand_in(chief["pk"], chief["item_number"], chief["title_code"])
