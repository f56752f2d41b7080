"""Writes for delegations: name an acting supervisor or a covering analyst, change the dates,
end one early (docs/decisions/0018-delegation.md).

Each function takes the acting user, checks `permissions.can_manage_delegation` again on the
locked rows (the view asked first), locks the two people concerned in id order (so two writes
about the same people run one after the other and each sees what the other wrote), re-checks
every rule, writes, and appends a `DelegationEvent`. The database refuses overlapping
delegations for the same person away (the exclusion constraint `delegation_no_overlap`) even
if two writes about different people slipped past the checks at once.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.errors import ConflictError, Refused
from facilities import permissions
from facilities.models import Delegation, DelegationEvent, User
from facilities.models.delegations import last_day_problem

__all__ = [
    "DelegationConflict",
    "DelegationNotAllowed",
    "change_delegation",
    "create_delegation",
    "end_delegation",
]


class DelegationNotAllowed(Refused):
    """The user may not make this delegation (or change or end it)."""


class DelegationConflict(ConflictError):
    """The delegation changed since the form was drawn: nothing was written."""


OVERLAP_MESSAGE = _(
    "%(delegator)s already has someone acting for them on some of these days "
    "(%(start)s to %(end)s). Change or end that delegation first."
)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _lock_people(*users: User) -> dict[int, User]:
    """Lock the people concerned, lowest id first; their roles are read after the lock."""
    ids = sorted({u.pk for u in users})
    locked = User.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    return {u.pk: u for u in locked}


def _overlapping(
    kind: str, starts_on: date, ends_on: date, exclude_pk: int | None = None
) -> QuerySet[Delegation]:
    qs = Delegation.objects.filter(
        kind=kind, ended_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def _check_rules(
    *,
    kind: str,
    delegator: User,
    delegate: User,
    starts_on: date,
    ends_on: date,
    exclude_pk: int | None = None,
) -> None:
    """Every rule a delegation's people and dates must meet (ValidationError says which)."""
    if kind not in Delegation.Kind.values:
        raise ValidationError({"kind": _("Choose what the delegation is for.")})
    if delegator.pk == delegate.pk:
        raise ValidationError(
            {"delegate": _("Nobody can act for themselves: choose someone else.")}
        )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day is before the first day.")})
    too_long = last_day_problem(starts_on, ends_on)
    if too_long:
        raise ValidationError({"ends_on": too_long})
    if kind == Delegation.Kind.ACTING_SUPERVISOR and not (
        delegator.is_active and delegator.is_supervisor
    ):
        raise ValidationError(
            {"delegator": _("Only a classification supervisor has an acting supervisor.")}
        )
    if kind == Delegation.Kind.ANALYST_COVER and not (delegator.is_active and delegator.is_analyst):
        raise ValidationError(
            {"delegator": _("Only a classification analyst's queue can be covered.")}
        )
    if not (delegate.is_active and delegate.is_analyst):
        raise ValidationError(
            {"delegate": _("Choose a classification analyst or supervisor to act.")}
        )
    overlap = _overlapping(kind, starts_on, ends_on, exclude_pk)
    clash = overlap.filter(delegator=delegator).order_by("starts_on").first()
    if clash is not None:
        raise ValidationError(
            OVERLAP_MESSAGE
            % {
                "delegator": delegator,
                "start": date_format(clash.starts_on),
                "end": date_format(clash.ends_on),
            }
        )
    # No chains: a person acting for someone else on these days cannot hand that on, and a
    # person away (who has someone acting for them) cannot act for anyone.
    if overlap.filter(delegate=delegator).exists():
        raise ValidationError(
            {
                "delegator": _(
                    "%(person)s is acting for someone else on some of these days and cannot "
                    "delegate onward."
                )
                % {"person": delegator}
            }
        )
    if overlap.filter(delegator=delegate).exists():
        raise ValidationError(
            {
                "delegate": _(
                    "%(person)s has someone acting for them on some of these days, so cannot "
                    "act for anyone."
                )
                % {"person": delegate}
            }
        )


def _save(delegation: Delegation) -> None:
    delegation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            delegation.save()
    except IntegrityError as exc:  # a concurrent write the checks could not see
        if "delegation_no_overlap" in str(exc):
            raise ValidationError(
                OVERLAP_MESSAGE
                % {
                    "delegator": delegation.delegator,
                    "start": date_format(delegation.starts_on),
                    "end": date_format(delegation.ends_on),
                }
            ) from exc
        raise


def _record(delegation: Delegation, action: str, actor: User) -> DelegationEvent:
    return DelegationEvent.objects.create(
        delegation=delegation,
        action=action,
        actor=actor,
        at=timezone.now(),
        kind=delegation.kind,
        delegator=delegation.delegator,
        delegate=delegation.delegate,
        starts_on=delegation.starts_on,
        ends_on=delegation.ends_on,
        note=delegation.note,
    )


def _check_permission(actor: User, kind: str, delegator_id: int) -> None:
    if not permissions.can_manage_delegation(actor, kind=kind, delegator_id=delegator_id):
        raise DelegationNotAllowed(
            _(
                "A supervisor names their own acting supervisor and covering analysts; an "
                "administrator may name either for anyone."
            )
        )


@transaction.atomic
def create_delegation(
    *,
    actor: User,
    kind: str,
    delegator: User,
    delegate: User,
    starts_on: date,
    ends_on: date,
    note: str = "",
    today: date | None = None,
) -> Delegation:
    """`delegate` acts for `delegator` from `starts_on` to `ends_on` (New York dates, both
    included), in the role `kind` names; a `create` event is recorded. It takes effect and
    lapses by the calendar: nothing else needs to run. `today` is for tests and demo data."""
    today = _today(today)
    people = _lock_people(actor, delegator, delegate)
    actor, delegator, delegate = people[actor.pk], people[delegator.pk], people[delegate.pk]
    _check_permission(actor, kind, delegator.pk)
    if starts_on < today:
        raise ValidationError({"starts_on": _("The first day cannot be in the past.")})
    _check_rules(
        kind=kind, delegator=delegator, delegate=delegate, starts_on=starts_on, ends_on=ends_on
    )
    delegation = Delegation(
        kind=kind,
        delegator=delegator,
        delegate=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip(),
        created_by=actor,
    )
    _save(delegation)
    _record(delegation, DelegationEvent.Action.CREATE, actor)
    return delegation


def _locked_delegation(
    actor: User, delegation_id: int, expected_version: int | None
) -> tuple[User, Delegation]:
    base = Delegation.objects.select_related("delegator", "delegate").get(pk=delegation_id)
    people = _lock_people(actor, base.delegator, base.delegate)
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("delegator", "delegate")
        .get(pk=delegation_id)
    )
    _check_permission(people[actor.pk], delegation.kind, delegation.delegator_id)
    if expected_version is not None and delegation.version != expected_version:
        raise DelegationConflict(
            _(
                "This delegation changed since you opened it. Nothing was saved: reload the "
                "page and try again."
            )
        )
    return people[actor.pk], delegation


@transaction.atomic
def change_delegation(
    *,
    actor: User,
    delegation_id: int,
    expected_version: int | None,
    starts_on: date,
    ends_on: date,
    note: str = "",
    today: date | None = None,
) -> Delegation:
    """New dates (or note) for a delegation that has not ended; a `change` event is recorded.
    One already in effect keeps its first day and cannot end before today (end it early
    instead); a future one cannot be moved into the past."""
    today = _today(today)
    actor, delegation = _locked_delegation(actor, delegation_id, expected_version)
    phase = delegation.phase(today)
    if phase == "past":
        raise ValidationError(_("This delegation is over: make a new one instead."))
    if phase == "current" and starts_on != delegation.starts_on:
        raise ValidationError(
            {"starts_on": _("This delegation is already in effect: its first day stays.")}
        )
    if phase == "future" and starts_on < today:
        raise ValidationError({"starts_on": _("The first day cannot be in the past.")})
    if ends_on < today:
        raise ValidationError(
            {"ends_on": _("The last day cannot be in the past: end the delegation early instead.")}
        )
    _check_rules(
        kind=delegation.kind,
        delegator=delegation.delegator,
        delegate=delegation.delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        exclude_pk=delegation.pk,
    )
    delegation.starts_on, delegation.ends_on = starts_on, ends_on
    delegation.note = (note or "").strip()
    delegation.version += 1
    _save(delegation)
    _record(delegation, DelegationEvent.Action.CHANGE, actor)
    return delegation


@transaction.atomic
def end_delegation(
    *,
    actor: User,
    delegation_id: int,
    expected_version: int | None,
    today: date | None = None,
) -> Delegation:
    """End a current or future delegation now: from this moment the delegate no longer acts
    for the delegator (a future one never takes effect). An `end` event is recorded."""
    today = _today(today)
    actor, delegation = _locked_delegation(actor, delegation_id, expected_version)
    if delegation.phase(today) == "past":
        raise ValidationError(_("This delegation is already over."))
    delegation.ended_at = timezone.now()
    delegation.ended_by = actor
    delegation.version += 1
    _save(delegation)
    _record(delegation, DelegationEvent.Action.END, actor)
    return delegation
