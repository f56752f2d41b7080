"""Reads scoped to what the user may see, and the determination each facility warrants.

Every facility queryset a page shows starts at `facilities_visible_to`; a single facility is
fetched with `facility_for_user`, which answers 404 for another agency's facility, so HR never
learns it exists. The level a facility warrants comes from `classification.allocation`; this
module only decides which counts to give it (the latest ACCEPTED year, for DDSOOs).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from classification.allocation import (
    Allocation,
    Trend,
    allocate,
    compare_levels,
    confirm_trend,
    sfy_label,
)
from classification.standard import title_for

from . import permissions, roles
from .authority import NO_AUTHORITY, Authority, Grant
from .models import (
    AnnualActivity,
    AnnualActivityRevision,
    CountImport,
    Delegation,
    Facility,
    User,
)

Accepted = AnnualActivity.Status.ACCEPTED


def facilities_visible_to(user: User) -> QuerySet[Facility]:
    """Facilities the user may see: all for DCC staff, own agency's for HR, none otherwise."""
    qs = Facility.objects.select_related("agency", "latest_activity")
    if permissions.is_dcc_staff(user):
        return qs
    if permissions.is_agency_hr(user) and user.agency_id is not None:
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def facility_for_user(user: User, pk: int, *, select_related: tuple[str, ...] = ()) -> Facility:
    """The facility with `pk` if the user may see it; Http404 otherwise (never 403: no leak).
    `select_related`: more relations to load with it (the page's own query, not one more)."""
    qs = facilities_visible_to(user)
    if select_related:
        qs = qs.select_related(*select_related)
    try:
        return qs.get(pk=pk)
    except Facility.DoesNotExist:
        raise Http404(_("No such facility.")) from None


def activities_for_facility(facility: Facility) -> list[AnnualActivity]:
    """The facility's years, newest first, with who submitted and reviewed them."""
    return list(
        facility.activities.select_related("submitted_by", "reviewed_by").order_by("-fiscal_year")
    )


def revisions_for_facility(facility: Facility) -> QuerySet[AnnualActivityRevision]:
    """The facility's count history, newest first (append-only rows)."""
    return (
        AnnualActivityRevision.objects.filter(activity__facility=facility)
        .select_related("actor", "activity")
        .order_by("-at", "-pk")
    )


def count_import_for_user(user: User, token: uuid.UUID) -> CountImport:
    """An import preview belongs to whoever uploaded it; anyone else gets 404."""
    try:
        return CountImport.objects.get(token=token, created_by=user)
    except (CountImport.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such import.")) from None


# --- Determination -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearLevel:
    """What one year's counts would give (shown per year; only accepted years decide)."""

    activity: AnnualActivity
    allocation: Allocation


@dataclass(frozen=True, slots=True)
class Determination:
    """The level a facility warrants now, which year decided it, and whether it is confirmed.

    `basis` is "counts" for a DDSOO decided by `year` (the latest accepted year), "type" for a
    facility whose type decides, and "none" when nothing decides (no accepted year, or `other`).
    `trend` is None for non-DDSOOs: only counts can swing a level from year to year.
    """

    facility_type: str
    allocation: Allocation
    basis: Literal["counts", "type", "none"]
    year: int | None
    trend: Trend | None

    @property
    def title_code(self) -> str | None:
        return self.allocation.title_code

    @property
    def needs_review(self) -> bool:
        return self.allocation.needs_review

    @property
    def trend_state(self) -> str:
        return "" if self.trend is None else self.trend.state

    @property
    def basis_text(self) -> str:
        if self.basis == "counts" and self.year is not None:
            return _("Decided by the counts of %(year)s, the latest accepted year.") % {
                "year": sfy_label(self.year)
            }
        if self.basis == "type":
            return _("Decided by the facility's type; counts are information only.")
        if self.facility_type == "ddsoo":
            return _("No accepted year of counts yet: no automatic level.")
        return _("The standard names no level for this type: an analyst decides.")


def determine(facility_type: str, accepted: Iterable[tuple[int, int, int]]) -> Determination:
    """The determination from a facility's type and its accepted (year, I, A) rows.

    DDSOOs: the latest accepted year's counts go to `allocate`, and every accepted year's
    level goes to `confirm_trend`. Other types: `allocate` by type alone.
    """
    rows = sorted(accepted)
    if facility_type != "ddsoo":
        allocation = allocate(facility_type, individuals_served=None, records_activities=None)
        basis: Literal["counts", "type", "none"] = (
            "type" if allocation.title_code is not None else "none"
        )
        return Determination(facility_type, allocation, basis, None, None)
    levels = [
        (year, allocate("ddsoo", individuals_served=i, records_activities=a).title_code)
        for year, i, a in rows
    ]
    trend = confirm_trend(levels)
    if not rows:
        allocation = allocate("ddsoo", individuals_served=None, records_activities=None)
        return Determination(facility_type, allocation, "none", None, trend)
    year, i, a = rows[-1]
    allocation = allocate("ddsoo", individuals_served=i, records_activities=a)
    return Determination(facility_type, allocation, "counts", year, trend)


def determination_for(facility: Facility, activities: Sequence[AnnualActivity]) -> Determination:
    """The determination for one facility from its activities (pass what you already loaded)."""
    return determine(
        facility.facility_type,
        (
            (row.fiscal_year, row.individuals_served, row.records_activities)
            for row in activities
            if row.status == Accepted
        ),
    )


def year_levels(facility: Facility, activities: Sequence[AnnualActivity]) -> list[YearLevel]:
    """What each reported year's counts would give, with the reasons (clauses quoted)."""
    return [
        YearLevel(
            row,
            allocate(
                facility.facility_type,
                individuals_served=row.individuals_served,
                records_activities=row.records_activities,
            ),
        )
        for row in activities
    ]


def facility_drift(facility: Facility, chief_title_code: str | None) -> str | None:
    """'up', 'down' or None for a facility whose chief HIM position holds `chief_title_code`."""
    return drift_direction(facility.warranted_title_code or None, chief_title_code)


def drift_direction(warranted_title_code: str | None, chief_title_code: str | None) -> str | None:
    """'up', 'down' or None: how the chief HIM position's title differs from the warranted one.

    The hook for the drift flag (DOMAIN.md "Drift"): positions live in `classification`, so the
    caller passes the chief position's title code. "up" means the facility warrants more than
    the chief's title. None when either side is unknown or they agree.
    """
    if not warranted_title_code or not chief_title_code:
        return None
    title_for(chief_title_code)  # ValueError for a code outside the series
    order = compare_levels(warranted_title_code, chief_title_code)
    return {1: "up", -1: "down"}.get(order)


# --- delegations (docs/decisions/0018-delegation.md) ------------------------------------------


# The roles a delegator must still hold (one of) for a delegation of each kind to be in effect.
DELEGATOR_ROLES = {
    Delegation.Kind.ACTING_SUPERVISOR: (roles.SUPERVISOR,),
    Delegation.Kind.ANALYST_COVER: (roles.ANALYST, roles.SUPERVISOR),
}


def delegations_in_effect(today: date, kind: str | None = None) -> QuerySet[Delegation]:
    """Delegations (of `kind`, else of every kind) in effect on New York date `today` whose
    delegator still holds the role being delegated (a supervisor no longer a supervisor
    delegates nothing). A caller after one kind names it: the query then carries that kind's
    condition alone, not an OR of every kind's (the queue's "mine" builds it on every page).
    ValueError for a kind there is not."""
    if kind is not None and kind not in DELEGATOR_ROLES:
        raise ValueError(f"no such kind of delegation: {kind!r}")
    in_role = Q()
    for k, names in DELEGATOR_ROLES.items():
        if kind is None or k == kind:
            in_role |= Q(kind=k, delegator__in=Group.objects.filter(name__in=names).values("user"))
    return Delegation.objects.filter(
        in_role,
        ended_at__isnull=True,
        starts_on__lte=today,
        ends_on__gte=today,
        delegator__is_active=True,
    )


def authority_of(user: User, today: date | None = None, *, lock: bool = False) -> Authority:
    """What `user` holds today through delegations. With `lock`, the delegation rows are
    locked until the transaction ends, so one cannot be ended while the delegate acts on it
    (the transition services: position, request, then delegation)."""
    if not permissions.is_analyst(user):
        return NO_AUTHORITY
    qs = (
        delegations_in_effect(today or timezone.localdate())
        .filter(delegate=user)
        .select_related("delegator")
        .order_by("pk")
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    acting: list[Grant] = []
    covering: list[Grant] = []
    for d in qs:
        grant = Grant(
            delegation_id=d.pk, delegator_id=d.delegator_id, delegator_name=str(d.delegator)
        )
        (acting if d.kind == Delegation.Kind.ACTING_SUPERVISOR else covering).append(grant)
    return Authority(acting_for=tuple(acting), covering_for=tuple(covering))


def delegations_visible_to(user: User) -> QuerySet[Delegation]:
    """Delegations on the Delegations page: every one for supervisors and administrators
    (a supervisor may name cover for any analyst), none for anyone else."""
    qs = Delegation.objects.select_related("delegator", "delegate", "created_by", "ended_by")
    if permissions.can_manage_delegations(user):
        return qs
    return qs.none()


def delegation_for_user(user: User, pk: int) -> Delegation:
    """One delegation the user may see, or 404."""
    try:
        return delegations_visible_to(user).get(pk=pk)
    except Delegation.DoesNotExist as exc:
        raise Http404 from exc
