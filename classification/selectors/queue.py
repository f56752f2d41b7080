"""The analysts' queue: its tabs and their counts, my work, saved filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

if TYPE_CHECKING:  # django-stubs-ext is a development package
    pass
from facilities import permissions
from facilities.models import User

from ..models import ReclassificationRequest, Title
from ..workflow import OPEN_STATUSES, RECOMMENDED, SUBMITTED
from .requests import reclassifications_visible_to, with_turnaround

# COUNT(*) in a subquery (no GROUP BY): unlike COUNT(id) it reads no column, so PostgreSQL
# answers from the index alone.
COUNT_ROWS = Func(template="COUNT(*)", output_field=IntegerField())


def reclassification_queue(user: User, tab: str) -> QuerySet[ReclassificationRequest]:
    """The queue tab `tab` for `user` (unassigned, mine, awaiting, all), with turnaround."""
    qs = reclassifications_visible_to(user)
    if permissions.is_dcc_staff(user):
        if tab == "unassigned":
            qs = qs.filter(status=SUBMITTED)
        elif tab == "mine":
            qs = qs.filter(my_work(user), status__in=OPEN_STATUSES).annotate(
                # Labelled "covering for …" in the queue.
                covering=ExpressionWrapper(
                    Q(assigned_to__in=_covered(user)), output_field=BooleanField()
                )
            )
        elif tab == "awaiting" and permissions.is_supervisor(user):
            qs = qs.filter(status=RECOMMENDED)
    return with_turnaround(qs)


def _covered(user: Any) -> QuerySet:
    """The analysts whose assigned requests `user` covers today (delegations), as a subquery:
    no query of its own, so every page that counts "mine" keeps its query count."""
    from facilities.models import Delegation
    from facilities.selectors import delegations_in_effect

    return (
        delegations_in_effect(timezone.localdate())
        .filter(kind=Delegation.Kind.ANALYST_COVER, delegate=user)
        .values("delegator")
    )


def my_work(user: Any) -> Q:
    """A DCC user's own work: requests assigned to them, and those of the analysts they cover
    for today (docs/decisions/0018-delegation.md), which stay assigned to the analyst away."""
    return Q(assigned_to=user) | Q(assigned_to__in=_covered(user))


def queue_tabs(user: User) -> list[tuple[str, Any]]:
    from django.utils.translation import gettext_lazy as _

    if not permissions.is_dcc_staff(user):
        return []
    tabs = [("unassigned", _("Unassigned")), ("mine", _("Mine"))]
    if permissions.is_supervisor(user):
        tabs.append(("awaiting", _("Awaiting decision")))
    tabs.append(("appeals", _("Appeals")))
    tabs.append(("all", _("All")))
    return tabs


def tab_counts(user: User) -> dict[str, int]:
    """How many requests each queue tab holds, in one query.

    One scalar subquery per tab rather than one pass with FILTERed counts: each tab's
    condition then uses the (status, assigned_to) index instead of reading every request.
    """
    if not permissions.is_dcc_staff(user):
        return {}
    requests = ReclassificationRequest.objects.order_by()
    conditions = {
        "unassigned": Q(status=SUBMITTED),
        "mine": my_work(user) & Q(status__in=OPEN_STATUSES),
        "awaiting": Q(status=RECOMMENDED),
        "all": ~Q(status="draft"),
    }
    counts = {
        name: Subquery(requests.filter(condition).annotate(n=COUNT_ROWS).values("n"))
        for name, condition in conditions.items()
    }
    # Any one row of a small reference table carries the four subqueries (a SELECT without
    # FROM is not expressible in the ORM); the titles always exist.
    from ..appeal_workflow import OPEN_STATUSES as APPEAL_OPEN
    from ..models import Appeal

    counts["appeals"] = Subquery(
        Appeal.objects.order_by().filter(status__in=APPEAL_OPEN).annotate(n=COUNT_ROWS).values("n")
    )
    names = (*conditions, "appeals")
    row = Title.objects.order_by().annotate(**counts).values(*names).first()
    return row or dict.fromkeys(names, 0)


def saved_filters_for(user: User) -> QuerySet:
    """The user's own saved queue filters (nobody sees another user's)."""
    from ..models import SavedFilter

    if not (user and user.is_authenticated):
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(user=user).order_by("name")
