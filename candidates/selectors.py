"""Permission-aware reads of people and credentials, and their evaluation against the titles.

Every queryset a page shows starts here. The evaluation reads the two policy settings
(HIM_VERIFICATION_MAX_AGE_DAYS, HIM_RHIA_SATISFIES_RHIT) here and only here, and hands them
to the pure rules in `candidates.qualifications`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from classification.standard import TITLES, Title
from facilities.models import User
from facilities.permissions import is_agency_hr, is_analyst

from . import qualifications as q
from .models import Credential, ExperienceSpell, Person, Verification

EXPIRING_WITHIN_DAYS = 60


def verification_max_age_days() -> int:
    return settings.HIM_VERIFICATION_MAX_AGE_DAYS


def rhia_satisfies_rhit() -> bool:
    return settings.HIM_RHIA_SATISFIES_RHIT


# --- Scoping ---------------------------------------------------------------------------------


def people_visible_to(user: User) -> QuerySet[Person]:
    """Everyone for DCC staff; Agency HR its own agency's people; nobody for anyone else."""
    qs = Person.objects.select_related("agency")
    if is_analyst(user):
        return qs
    if is_agency_hr(user) and user.agency_id is not None:
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def person_for_user(user: User, pk: int) -> Person:
    """The person with their credentials, verification history and spells, or 404 when the
    user may not see them (another agency's id is indistinguishable from a missing one)."""
    verifications = Verification.objects.select_related("verified_by", "corrects").order_by(
        "-verified_on", "-recorded_at", "-pk"
    )
    qs = people_visible_to(user).prefetch_related(
        Prefetch(
            "credentials",
            queryset=Credential.objects.prefetch_related(
                Prefetch("verifications", queryset=verifications)
            ).order_by("kind"),
        ),
        Prefetch("spells", queryset=ExperienceSpell.objects.order_by("-start", "-pk")),
    )
    try:
        return qs.get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("No such person.") from None


def credential_for_user(user: User, pk: int) -> Credential:
    """A credential of a person the user may see, or 404."""
    visible = people_visible_to(user).values("pk")
    try:
        return Credential.objects.select_related("person__agency").get(pk=pk, person__in=visible)
    except Credential.DoesNotExist:
        raise Http404("No such credential.") from None


def spell_for_user(user: User, pk: int) -> ExperienceSpell:
    """An experience spell of a person the user may see, or 404."""
    visible = people_visible_to(user).values("pk")
    try:
        return ExperienceSpell.objects.select_related("person__agency").get(
            pk=pk, person__in=visible
        )
    except ExperienceSpell.DoesNotExist:
        raise Http404("No such experience spell.") from None


def verification_for_user(user: User, pk: int) -> Verification:
    """A verification of a credential of a person the user may see, or 404."""
    visible = people_visible_to(user).values("pk")
    try:
        return Verification.objects.select_related("credential__person").get(
            pk=pk, credential__person__in=visible
        )
    except Verification.DoesNotExist:
        raise Http404("No such verification.") from None


# --- Verification state ----------------------------------------------------------------------


def verification_state(credential: Credential, today: date) -> str:
    """ "never", "stale" or "verified": the credential's AHIMA check against the allowed age."""
    if credential.last_verified_on is None:
        return "never"
    if (today - credential.last_verified_on).days > verification_max_age_days():
        return "stale"
    return "verified"


def validity(credential: Credential, today: date) -> str | None:
    """ "expired" (valid-through passed), "expiring" (within 60 days) or None."""
    if credential.valid_through is None:
        return None
    if credential.valid_through < today:
        return "expired"
    if credential.valid_through <= today + timedelta(days=EXPIRING_WITHIN_DAYS):
        return "expiring"
    return None


def filter_people_by_verification(qs: QuerySet[Person], state: str, today: date) -> QuerySet:
    """People holding at least one credential in `state` (verified/stale/never/expiring),
    or ("none") holding no credential at all."""
    cutoff = today - timedelta(days=verification_max_age_days())
    conditions = {
        "verified": Q(last_verified_on__gte=cutoff),
        "stale": Q(last_verified_on__lt=cutoff),
        "never": Q(last_verified_on__isnull=True),
        "expiring": Q(
            valid_through__gte=today,
            valid_through__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS),
        ),
    }
    if state == "none":
        return qs.filter(~Exists(Credential.objects.filter(person=OuterRef("pk"))))
    if state not in conditions:
        return qs
    matching = Credential.objects.filter(conditions[state], person=OuterRef("pk"))
    return qs.filter(Exists(matching))


@dataclass(frozen=True)
class DueCredential:
    """A row of the reverification work list."""

    credential: Credential
    due_on: date | None  # None: never verified, due now
    reasons: tuple[str, ...]

    @property
    def pk(self) -> int:
        return self.credential.pk


def credentials_due_for_reverification(user: User, *, today: date) -> list[DueCredential]:
    """Credentials never verified, verified longer ago than the setting allows, or whose
    valid-through date falls within 60 days: most urgent (earliest due) first. DCC only."""
    if not is_analyst(user):
        return []
    max_age = verification_max_age_days()
    cutoff = today - timedelta(days=max_age)
    soon = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    rows = (
        Credential.objects.filter(
            Q(last_verified_on__isnull=True)
            | Q(last_verified_on__lt=cutoff)
            | Q(valid_through__lte=soon)
        )
        .exclude(status="revoked")
        .select_related("person__agency", "reverification_requested_by")
    )
    due: list[DueCredential] = []
    for credential in rows:
        reasons = []
        dates = []
        if credential.last_verified_on is None:
            reasons.append("never")
        else:
            stale_on = credential.last_verified_on + timedelta(days=max_age + 1)
            if stale_on <= soon:
                dates.append(stale_on)
            if credential.last_verified_on < cutoff:
                reasons.append("stale")
        if credential.valid_through is not None and credential.valid_through <= soon:
            reasons.append("expired" if credential.valid_through < today else "expiring")
            dates.append(credential.valid_through)
        due_on = None if credential.last_verified_on is None else min(dates, default=None)
        due.append(DueCredential(credential, due_on, tuple(reasons)))
    due.sort(
        key=lambda d: (
            d.due_on is not None,
            d.due_on or date.min,
            d.credential.person.family_name,
            d.credential.pk,
        )
    )
    return due


# --- Evaluation ------------------------------------------------------------------------------


def _verified_on(credential: Credential, as_of: date) -> date | None:
    """The latest verification in force dated on or before `as_of`."""
    last = credential.last_verified_on
    if last is None or last <= as_of:
        return last
    # An earlier as-of date: look back through the history (prefetched on the detail page).
    history = list(credential.verifications.all())
    corrected = {v.corrects_id for v in history if v.corrects_id}
    dates = [v.verified_on for v in history if v.pk not in corrected and v.verified_on <= as_of]
    return max(dates, default=None)


def qualification_facts(
    person: Person, as_of: date
) -> tuple[list[q.Credential], list[q.Experience]]:
    """The person's credentials and experience as the pure rules take them."""
    credentials = [
        q.Credential(
            kind=c.kind,
            awarded_on=c.awarded_on,
            status=c.status,
            valid_through=c.valid_through,
            verified_on=_verified_on(c, as_of),
        )
        for c in person.credentials.all()
    ]
    experience = [
        q.Experience(start=s.start, end=s.end, hours_per_week=s.hours_per_week, him=s.him)
        for s in person.spells.all()
    ]
    return credentials, experience


def _rule_kwargs(person: Person, as_of: date) -> dict[str, Any]:
    credentials, experience = qualification_facts(person, as_of)
    return {
        "credentials": credentials,
        "experience": experience,
        "degree_date": person.degree_date,
        "as_of": as_of,
        "verification_max_age_days": verification_max_age_days(),
        "rhia_satisfies_rhit": rhia_satisfies_rhit(),
    }


def evaluation_for(person: Person, title_code: str, as_of: date) -> q.Evaluation:
    """The person against one title on `as_of` (`candidates.qualifications.evaluate`)."""
    return q.evaluate(title_code, **_rule_kwargs(person, as_of))


@dataclass(frozen=True)
class TitleEvaluation:
    """One title's evaluation and the first date the person meets it on paper."""

    title: Title
    evaluation: q.Evaluation
    projection: q.Projection


def evaluations_for(person: Person, as_of: date) -> list[TitleEvaluation]:
    """The person against all five titles on `as_of`, lowest title first, each with the
    first date it is met on paper (`first_qualifying_date`)."""
    kwargs = _rule_kwargs(person, as_of)
    return [
        TitleEvaluation(
            title=title,
            evaluation=q.evaluate(title.code, **kwargs),
            projection=q.first_qualifying_date(title.code, **kwargs),
        )
        for title in TITLES
    ]


def highest_title_met(person: Person, as_of: date) -> tuple[Title | None, str]:
    """The highest title the person is qualified for (or meets only unverified) on `as_of`."""
    kwargs = _rule_kwargs(person, as_of)
    for title in reversed(TITLES):  # the highest first: the first one met is the answer
        outcome = q.evaluate(title.code, **kwargs).outcome
        if outcome != "not_qualified":
            return title, outcome
    return None, "not_qualified"


@dataclass(frozen=True)
class SpellRow:
    spell: ExperienceSpell
    fte_days: float  # this spell alone, up to as_of (0 for non-HIM work)


def spells_with_fte(person: Person, as_of: date) -> tuple[list[SpellRow], float]:
    """Each spell's FTE days up to `as_of`, and the HIM total with overlaps counted once."""
    rows: list[SpellRow] = []
    experience = []
    for spell in person.spells.all():
        fact = q.Experience(
            start=spell.start, end=spell.end, hours_per_week=spell.hours_per_week, him=spell.him
        )
        experience.append(fact)
        days = q.fte_days([fact], window_start=spell.start, as_of=as_of) if spell.him else 0
        rows.append(SpellRow(spell, _floor_tenth(days)))
    if not experience:
        return rows, 0.0
    start = min(e.start for e in experience)
    return rows, _floor_tenth(q.fte_days(experience, window_start=start, as_of=as_of))


def _floor_tenth(days: Fraction | int) -> float:
    # Rounded down, as the rules show it, so a page never claims more than was counted.
    return int(days * 10) / 10
