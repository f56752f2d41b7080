"""Permission-aware reads of appeals and the appeals queue."""

from __future__ import annotations

from django.db.models import QuerySet

from facilities import permissions
from facilities.models import User

from ..appeal_workflow import OPEN_STATUSES as APPEAL_OPEN
from ..models import Appeal
from .requests import reclassifications_visible_to


def appeals_visible_to(user: User) -> QuerySet[Appeal]:
    """Appeals of the requests `user` may see (`reclassifications_visible_to`): another
    agency's, or another employee's, is a 404."""
    return Appeal.objects.select_related(
        "reclassification__position__facility__agency",
        "filed_by",
        "outcome_title",
    ).filter(reclassification__in=reclassifications_visible_to(user).values("pk"))


def appeal_queue(user: User, *, open_only: bool = True) -> QuerySet[Appeal]:
    """DCC's Appeals tab: appeals not yet closed, oldest filing first (none for others)."""
    if not permissions.is_dcc_staff(user):
        return appeals_visible_to(user).none()
    qs = appeals_visible_to(user).select_related(
        "reclassification__current_title", "reclassification__proposed_title"
    )
    if open_only:
        qs = qs.filter(status__in=APPEAL_OPEN)
    return qs.order_by("filed_at", "pk")
