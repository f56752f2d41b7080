"""Reporting, correcting and reviewing a year's counts, and refreshing determinations.

Every function takes the acting user, checks the same predicates as the views, locks in one
order (facility, then its counts), writes inside `transaction.atomic`, appends an
`AnnualActivityRevision`, and refreshes the facility's stored determination before commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from classification.allocation import sfy_label
from common.errors import ConflictError, Refused
from facilities import permissions
from facilities.models import (
    AnnualActivity,
    AnnualActivityRevision,
    Facility,
    User,
    current_fiscal_year,
)
from facilities.selectors import determine

Status = AnnualActivity.Status
Kind = AnnualActivityRevision.Kind

# The review transitions: action -> (statuses it may start from, status it leads to).
# The buttons shown, the guard below and the tests all read this table.
REVIEW_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({Status.SUBMITTED, Status.DISPUTED}), Status.ACCEPTED),
    "dispute": (frozenset({Status.SUBMITTED, Status.ACCEPTED}), Status.DISPUTED),
}


def can_report_counts(user: User, facility: Facility) -> bool:
    """Analysts for any facility; Agency HR for its own agency's (report_counts also refuses
    inactive facilities, for everyone)."""
    if permissions.is_analyst(user):
        return True
    return permissions.is_agency_hr(user) and user.agency_id == facility.agency_id


def can_review_counts(user: User) -> bool:
    return permissions.is_analyst(user)


def allowed_review_actions(user: User, activity: AnnualActivity) -> list[str]:
    """The review actions this user may take on this row now (drives the buttons)."""
    if not can_review_counts(user):
        return []
    return [a for a, (sources, _target) in REVIEW_TRANSITIONS.items() if activity.status in sources]


def _revision(
    activity: AnnualActivity,
    *,
    kind: str,
    actor: User,
    at: datetime,
    old: AnnualActivity | None,
    note: str = "",
    source: str = "",
) -> AnnualActivityRevision:
    return AnnualActivityRevision(
        activity=activity,
        kind=kind,
        actor=actor,
        at=at,
        source=source[:200],
        old_individuals_served=old.individuals_served if old else None,
        new_individuals_served=activity.individuals_served,
        old_records_activities=old.records_activities if old else None,
        new_records_activities=activity.records_activities,
        old_methodology=old.methodology if old else "",
        new_methodology=activity.methodology,
        old_status=old.status if old else "",
        new_status=activity.status,
        note=note,
        version=activity.version,
    )


def _snapshot(activity: AnnualActivity) -> AnnualActivity:
    return AnnualActivity(
        individuals_served=activity.individuals_served,
        records_activities=activity.records_activities,
        methodology=activity.methodology,
        status=activity.status,
    )


def _lock_facility(facility: Facility) -> Facility:
    return Facility.objects.select_for_update().get(pk=facility.pk)


def _check_reporting(actor: User, facility: Facility) -> None:
    if not can_report_counts(actor, facility):
        raise Refused(_("You may not report counts for this facility."))
    if not facility.active:
        # The same rule as the import: a closed facility takes no new counts or corrections.
        raise ValidationError(_("%(name)s is inactive: counts are not taken.") % {"name": facility})


def report_counts(
    *,
    actor: User,
    facility: Facility,
    fiscal_year: int,
    individuals_served: int,
    records_activities: int,
    methodology: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> AnnualActivity:
    """Report a year's counts, or correct them when the year already has a row.

    New year: creates the row (status submitted) and a "reported" revision. Existing year: a
    correction, allowed only with the row's current `expected_version` (else ConflictError,
    carrying the current row so the form can show it) and a `note` saying why; changed counts
    go back to submitted for an analyst to accept again. Unchanged values write nothing.
    Afterwards the facility's determination is refreshed.
    """
    _check_reporting(actor, facility)
    if fiscal_year > current_fiscal_year():
        raise ValidationError(
            {"fiscal_year": _("%(year)s has not started yet.") % {"year": sfy_label(fiscal_year)}}
        )
    now = timezone.now()
    with transaction.atomic():
        facility = _lock_facility(facility)
        # Again on the locked row: closed or moved to another agency since the form was drawn.
        _check_reporting(actor, facility)
        existing = (
            AnnualActivity.objects.select_for_update()
            .filter(facility=facility, fiscal_year=fiscal_year)
            .first()
        )
        if existing is None:
            activity = AnnualActivity(
                facility=facility,
                fiscal_year=fiscal_year,
                individuals_served=individuals_served,
                records_activities=records_activities,
                methodology=methodology,
                status=Status.SUBMITTED,
                submitted_by=actor,
                submitted_at=now,
            )
            activity.full_clean()
            activity.save()
            _revision(activity, kind=Kind.REPORTED, actor=actor, at=now, old=None, note=note).save()
        else:
            activity = existing
            if expected_version is None:
                raise ConflictError(
                    _(
                        "%(year)s already has counts. Saving again corrects them: check the "
                        "current figures below and say why you are correcting them."
                    )
                    % {"year": sfy_label(fiscal_year)},
                    activity,
                )
            if expected_version != activity.version:
                raise ConflictError(
                    _(
                        "Someone changed %(year)s's counts after you opened this form. Your "
                        "changes were not saved: check the current figures below and try again."
                    )
                    % {"year": sfy_label(fiscal_year)},
                    activity,
                )
            old = _snapshot(activity)
            counts_changed = (old.individuals_served, old.records_activities) != (
                individuals_served,
                records_activities,
            )
            if not counts_changed and old.methodology == methodology:
                return activity
            if not note.strip():
                raise ValidationError({"note": _("Say why you are correcting these counts.")})
            activity.individuals_served = individuals_served
            activity.records_activities = records_activities
            activity.methodology = methodology
            if counts_changed:
                _back_to_submitted(activity, actor=actor, at=now)
            activity.version += 1
            activity.full_clean()
            activity.save()
            _revision(activity, kind=Kind.CORRECTED, actor=actor, at=now, old=old, note=note).save()
        refresh_determinations([facility.pk])
    return activity


def _back_to_submitted(activity: AnnualActivity, *, actor: User, at: datetime) -> None:
    """Changed counts need a fresh review: the earlier review stays in the revisions."""
    activity.status = Status.SUBMITTED
    activity.submitted_by = actor
    activity.submitted_at = at
    activity.reviewed_by = None
    activity.reviewed_at = None
    activity.review_note = ""


def _review(
    action: str, *, actor: User, activity: AnnualActivity, expected_version: int, note: str
) -> AnnualActivity:
    if not can_review_counts(actor):
        raise Refused(_("Only classification analysts may review counts."))
    sources, target = REVIEW_TRANSITIONS[action]
    now = timezone.now()
    with transaction.atomic():
        _lock_facility(activity.facility)
        activity = AnnualActivity.objects.select_for_update().get(pk=activity.pk)
        label = sfy_label(activity.fiscal_year)
        if expected_version != activity.version:
            raise ConflictError(
                _(
                    "Someone changed %(year)s's counts after you opened this page; nothing was "
                    "changed. Check the current figures and try again."
                )
                % {"year": label},
                activity,
            )
        if activity.status not in sources:
            raise ValidationError(
                _("%(year)s's counts are %(status)s already or cannot be %(target)s from there.")
                % {
                    "year": label,
                    "status": activity.get_status_display().lower(),
                    "target": AnnualActivity.Status(target).label.lower(),
                }
            )
        if action == "dispute" and not note.strip():
            raise ValidationError({"note": _("Say what is wrong with these counts.")})
        old = _snapshot(activity)
        activity.status = target
        activity.reviewed_by = actor
        activity.reviewed_at = now
        activity.review_note = note
        activity.version += 1
        activity.full_clean()
        activity.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "version"]
        )
        kind = Kind.ACCEPTED if action == "accept" else Kind.DISPUTED
        _revision(activity, kind=kind, actor=actor, at=now, old=old, note=note).save()
        refresh_determinations([activity.facility_id])
    return activity


def accept_counts(
    *, actor: User, activity: AnnualActivity, expected_version: int, note: str = ""
) -> AnnualActivity:
    """An analyst accepts a submitted or disputed year; it may now decide the facility's level."""
    return _review(
        "accept", actor=actor, activity=activity, expected_version=expected_version, note=note
    )


def dispute_counts(
    *, actor: User, activity: AnnualActivity, expected_version: int, note: str
) -> AnnualActivity:
    """An analyst disputes a submitted or accepted year (a note is required); it stops counting."""
    return _review(
        "dispute", actor=actor, activity=activity, expected_version=expected_version, note=note
    )


def refresh_determinations(facility_ids: Iterable[int]) -> None:
    """Recompute and store the determination of each facility (a few queries for any number).

    Called inside every write that changes counts, their status or a facility's type, so the
    registry's warranted title, watch flag and latest year are never out of date. Facilities
    are updated in groups that share a determination (a handful of UPDATEs even for
    thousands), and the latest reported year by one correlated UPDATE.
    """
    ids = sorted(set(facility_ids))
    if not ids:
        return
    types = dict(Facility.objects.filter(pk__in=ids).values_list("pk", "facility_type"))
    accepted: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for facility_id, year, i, a in AnnualActivity.objects.filter(
        facility_id__in=ids, status=Status.ACCEPTED
    ).values_list("facility_id", "fiscal_year", "individuals_served", "records_activities"):
        accepted[facility_id].append((year, i, a))
    groups: dict[tuple, list[int]] = defaultdict(list)
    for facility_id, facility_type in types.items():
        d = determine(facility_type, accepted.get(facility_id, ()))
        groups[(d.title_code or "", d.year, d.needs_review, d.trend_state)].append(facility_id)
    for (title, year, review, trend), members in groups.items():
        Facility.objects.filter(pk__in=members).update(
            warranted_title_code=title,
            determination_year=year,
            needs_review=review,
            trend_state=trend,
        )
    Facility.objects.filter(pk__in=ids).update(
        latest_activity=Subquery(
            AnnualActivity.objects.filter(facility=OuterRef("pk"))
            .order_by("-fiscal_year")
            .values("pk")[:1]
        )
    )
