"""The analysts' queue: its tabs and their counts, my work, saved filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    CharField,
    ExpressionWrapper,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # django-stubs-ext is a development package
    from django_stubs_ext import StrPromise

from facilities import permissions
from facilities.models import Delegation, User
from facilities.selectors import delegations_in_effect

from ..appeal_workflow import OPEN_STATUSES as APPEAL_OPEN
from ..models import Appeal, ReclassificationRequest, RequestTally, SavedFilter
from ..workflow import DRAFT, OPEN_STATUSES, RECOMMENDED, SUBMITTED
from .requests import reclassifications_visible_to, with_turnaround

# COUNT(*) without a GROUP BY: unlike COUNT(id) it reads no column, so PostgreSQL
# answers from the index alone.
COUNT_ROWS = Func(template="COUNT(*)", output_field=IntegerField())


def reclassification_queue(user: User, tab: str) -> QuerySet[ReclassificationRequest]:
    """The queue tab `tab` for `user` (unassigned, mine, awaiting, all), with turnaround."""
    qs = reclassifications_visible_to(user)
    # Labelled "covering for …" in the queue; only "mine" holds requests the user covers. Every
    # row has it: a row without it costs the template a failed lookup (dir() of the request).
    covering: Value | ExpressionWrapper = Value(False)
    if permissions.is_dcc_staff(user):
        if tab == "unassigned":
            qs = qs.filter(status=SUBMITTED)
        elif tab == "mine":
            qs = qs.filter(my_work(user), status__in=OPEN_STATUSES)
            covering = ExpressionWrapper(
                Q(assigned_to__in=_covered(user)), output_field=BooleanField()
            )
        elif tab == "awaiting" and permissions.is_supervisor(user):
            qs = qs.filter(status=RECOMMENDED)
    return with_turnaround(qs.annotate(covering=covering))


def _covered(user: User) -> QuerySet:
    """The analysts whose assigned requests `user` covers today (delegations), as a subquery:
    no query of its own, so every page that counts "mine" keeps its query count."""
    return (
        delegations_in_effect(timezone.localdate(), Delegation.Kind.ANALYST_COVER)
        .filter(delegate=user)
        .values("delegator")
    )


def my_work(user: User) -> Q:
    """A DCC user's own work: requests assigned to them, and those of the analysts they cover
    for today (docs/decisions/0018-delegation.md), which stay assigned to the analyst away."""
    return Q(assigned_to=user) | Q(assigned_to__in=_covered(user))


def queue_tabs(user: User) -> list[tuple[str, StrPromise]]:
    if not permissions.is_dcc_staff(user):
        return []
    tabs = [("unassigned", _("Unassigned")), ("mine", _("Mine"))]
    if permissions.is_supervisor(user):
        tabs.append(("awaiting", _("Awaiting decision")))
    tabs.append(("appeals", _("Appeals")))
    tabs.append(("all", _("All")))
    return tabs


def tab_counts(user: User) -> dict[str, int]:
    """How many requests each queue tab holds, in one query: a UNION ALL of the counts the
    database keeps by status (models.RequestTally, docs/decisions/0024; "All" would otherwise
    count every request but the drafts on every page), the user's own open requests (on the
    (status, assigned_to) index) and the open appeals. One scalar subquery per tab, carried by
    a row of a reference table, took about 1.5 ms longer to build."""
    if not permissions.is_dcc_staff(user):
        return {}
    label = CharField()
    parts = RequestTally.objects.order_by().values_list("status").annotate(n=Sum("requests"))
    mine = (
        ReclassificationRequest.objects.order_by()
        .filter(my_work(user), status__in=OPEN_STATUSES)
        .annotate(part=Value("mine", output_field=label), n=COUNT_ROWS)
        .values_list("part", "n")
    )
    appeals = (
        Appeal.objects.order_by()
        .filter(status__in=APPEAL_OPEN)
        .annotate(part=Value("appeals", output_field=label), n=COUNT_ROWS)
        .values_list("part", "n")
    )
    found = dict(parts.union(mine, appeals, all=True))
    mine_n, appeals_n = found.pop("mine", 0), found.pop("appeals", 0)
    return {
        "unassigned": found.get(SUBMITTED, 0),
        "mine": mine_n,
        "awaiting": found.get(RECOMMENDED, 0),
        "all": sum(n for status, n in found.items() if status != DRAFT),
        "appeals": appeals_n,
    }


def saved_filters_for(user: User) -> QuerySet:
    """The user's own saved queue filters (nobody sees another user's)."""
    if not (user and user.is_authenticated):
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(user=user).order_by("name")
