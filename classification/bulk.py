"""Bulk positions, their title history, and reclassification requests with their events.

Every request follows `classification.workflow.TRANSITIONS` from `create` to its status: its
stored fields (assignee, pause, recommendation, decision, closing date, version) are what the
services would have left after the same events, and every approval changed the position's
title (with a title-history row), so the next request of that position starts from it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from classification.models import (
    DutyLine,
    Position,
    PositionTitleChange,
    ReclassificationEvent,
    ReclassificationRequest,
    StatusSpell,
    Title,
)
from classification.standard import STANDARD_ID
from classification.workflow import (
    AGENCY_COMMENT,
    APPROVED,
    CLOSED_STATUSES,
    DENIED,
    DRAFT,
    IN_REVIEW,
    INFO_REQUESTED,
    NEW,
    RECOMMENDED,
    SUBMITTED,
    TRANSITIONS_BY_ACTION,
    WITHDRAWN,
)
from facilities.bulk.facilities import PREFIX, Context
from facilities.models import Facility

NEW_YORK = ZoneInfo("America/New_York")

# The shortest path from nothing to each status.
BASE_WALKS = {
    DRAFT: ["create"],
    SUBMITTED: ["create", "submit"],
    IN_REVIEW: ["create", "submit", "take"],
    INFO_REQUESTED: ["create", "submit", "take", "request_information"],
    RECOMMENDED: ["create", "submit", "take", "recommend"],
    APPROVED: ["create", "submit", "take", "recommend", "approve"],
    DENIED: ["create", "submit", "take", "recommend", "deny"],
    WITHDRAWN: ["create", "submit", "take", "withdraw"],
}
# Round trips from "in review" back to it, inserted after `take` to use up the event budget.
LOOPS = [
    ("request_information", "respond"),
    ("return_to_queue", "take"),
    ("recommend", "return_to_analyst"),
]
CLOSED_MIX = ([APPROVED, DENIED, WITHDRAWN], [0.55, 0.25, 0.20])
OPEN_MIX = ([DRAFT, SUBMITTED, IN_REVIEW, INFO_REQUESTED, RECOMMENDED], [1, 2.5, 3, 1.5, 2])
MESSAGES = {
    "request_information": "Please send the current organization chart.",
    "respond": "Organization chart attached.",
    "return_to_queue": "",
    "recommend": "The duties and the facility's counts support the proposed level.",
    "return_to_analyst": "Please address the supervision ratio in the rationale.",
    "deny": "The duties statement does not show the level of responsibility proposed.",
    "withdraw": "The agency has reorganized the unit.",
}
MESSAGES.update(
    {
        "comment": "The agency supports the request: the duties are as the employee says.",
        "proceed_without_comment": "No comment came within the period.",
    }
)
# Days an action typically waits after the one before it.
GAPS = {
    "submit": (1, 10),
    "respond": (3, 20),
    "take": (1, 12),
    "comment": (3, 28),
    "proceed_without_comment": (31, 40),
}
# The share of requests an employee files for their own position (form CC-2E).
EMPLOYEE_SHARE = 0.15
STANCES = ["support", "support", "oppose", "no_position"]


@dataclass
class PlannedRequest:
    pk: int
    position: int
    status: str
    walk: list[str]
    created: datetime
    limit: datetime  # the last moment its events may take
    events: list[tuple[str, int, datetime]] = field(default_factory=list)
    employee: int | None = None  # the employee who filed it (form CC-2E)


def _as_employee_request(plan: PlannedRequest, employee: int, rng) -> None:
    """The same request filed by an employee: `submit` becomes filing and the agency's
    comment (or DCC proceeding without it); a submitted one may still await the comment."""
    plan.employee = employee
    if plan.status == SUBMITTED and rng.random() < 0.5:
        plan.status, plan.walk = AGENCY_COMMENT, ["create", "file"]
        return
    if "submit" in plan.walk:
        cut = plan.walk.index("submit")
        after = "comment" if rng.random() < 0.8 else "proceed_without_comment"
        plan.walk[cut : cut + 1] = ["file", after]


def spells_of(events: list[dict], *, first_id: int):
    """The status spells of `events` (each request's events together and in time order, given
    ids from `first_id` up), as the services write them: every event into an open status
    starts one, which the request's next event ends."""
    for index, event in enumerate(events):
        if event["to_status"] in CLOSED_STATUSES:
            continue
        following = events[index + 1] if index + 1 < len(events) else None
        same = following and following["reclassification_id"] == event["reclassification_id"]
        yield (
            first_id + index,
            event["reclassification_id"],
            event["to_status"],
            event["at"],
            following["at"] if same and following else None,
        )


def _ny_date(moment: datetime) -> date:
    return moment.astimezone(NEW_YORK).date()


def seed_positions_and_requests(
    ctx: Context,
    *,
    n_positions: int,
    n_requests: int,
    n_events: int,
    n_years: int,
    people_by_agency: dict[int, list[int]],
) -> None:
    rng, w = ctx.rng, ctx.writer
    titles = list(Title.objects.order_by("rank").values_list("pk", "code"))
    title_ids = [pk for pk, _code in titles]
    title_by_code = {code: pk for pk, code in titles}
    determination = {
        pk: (title_by_code.get(code), year, review)
        for pk, code, year, review in Facility.objects.filter(
            pk__in=list(ctx.facilities)
        ).values_list("pk", "warranted_title_code", "determination_year", "needs_review")
    }

    # Positions: a chief for each facility (its warranted title, or one below), then staff.
    facility_ids = list(ctx.facilities)
    position_ids = w.take_ids(Position, n_positions)
    facility_of: dict[int, int] = {}
    title_of: dict[int, int] = {}
    chief_of: dict[int, int] = {}
    for pk, facility_id in zip(position_ids, facility_ids, strict=False):
        warranted = determination[facility_id][0] or title_ids[2]
        rank = title_ids.index(warranted)
        title_of[pk] = title_ids[max(2, rank - rng.choice([0, 0, 1]))]
        facility_of[pk] = facility_id
        chief_of[facility_id] = pk
    weights = [3 if ctx.facilities[f][1] == "ddsoo" else 1 for f in facility_ids]
    staff = position_ids[len(facility_of) :]
    for pk, facility_id in zip(
        staff, rng.choices(facility_ids, weights, k=len(staff)), strict=True
    ):
        facility_of[pk] = facility_id
        title_of[pk] = title_ids[rng.choice([0, 0, 0, 1, 1, 2])]
    start = ctx.today - timedelta(days=365 * n_years)
    now = ctx.moment(ctx.today, 0) - timedelta(hours=1)
    window = (now - ctx.moment(start)).total_seconds()

    # Requests: spread over positions; each position's requests follow one another in time
    # (at most one open, the latest).
    request_ids = iter(w.take_ids(ReclassificationRequest, n_requests))
    per_position = Counter(rng.choices(list(position_ids), k=n_requests)) if n_positions else {}
    plans: list[PlannedRequest] = []
    for position in position_ids:
        k = per_position.get(position, 0)
        slot = window / max(k, 1)
        for j in range(k):
            slot_start = ctx.moment(start) + timedelta(seconds=j * slot)
            last = j == k - 1
            # The latest request may be recent (and so still open); earlier ones leave room.
            spread = slot - 86_400 if last else slot * 0.3
            created = slot_start + timedelta(seconds=rng.uniform(0, max(spread, 0)))
            limit = now if last else slot_start + timedelta(seconds=slot * 0.95)
            recent = (now - created).days < 200
            if last and recent and rng.random() < 0.85:
                status = rng.choices(*OPEN_MIX)[0]
            else:
                status = rng.choices(*CLOSED_MIX)[0]
                limit = min(limit, now)
            walk = list(BASE_WALKS[status])
            if status == WITHDRAWN:
                walk = [*walk[: rng.choice([1, 2, 3])], "withdraw"]
            plans.append(PlannedRequest(next(request_ids), position, status, walk, created, limit))
    for plan in plans:
        employees = ctx.employees_by_agency.get(ctx.facilities[facility_of[plan.position]][0])
        if employees and rng.random() < EMPLOYEE_SHARE:
            _as_employee_request(plan, rng.choice(employees), rng)

    # Spend the rest of the event budget on round trips through "in review".
    loopable = [p for p in plans if "take" in p.walk]
    spare = n_events - sum(len(p.walk) for p in plans)
    extra: Counter[int] = Counter()
    if loopable and spare > 0:
        for index in (rng.randrange(len(loopable)) for _ in range(spare // 2)):
            extra[index] += 1
    for index, count in extra.items():
        plan = loopable[index]
        cut = plan.walk.index("take") + 1
        loops = [step for _ in range(count) for step in rng.choice(LOOPS)]
        plan.walk[cut:cut] = loops
    if loopable and spare > 0 and spare % 2:
        plan = loopable[rng.randrange(len(loopable))]
        cut = plan.walk.index("take") + 1
        plan.walk[cut:cut] = ["assign"]

    _write(
        ctx,
        plans,
        facility_of,
        title_of,
        chief_of,
        determination,
        title_ids,
        people_by_agency,
        start,
        now,
    )


def _write(
    ctx,
    plans,
    facility_of,
    title_of,
    chief_of,
    determination,
    title_ids,
    people_by_agency,
    start,
    now,
) -> None:
    rng, w = ctx.rng, ctx.writer
    initial_title = dict(title_of)
    requests: list[tuple] = []
    duties: list[tuple] = []
    events: list[dict[str, Any]] = []
    changes_by_position: dict[int, list] = {}
    duty_ids = iter(w.take_ids(DutyLine, 2 * len(plans)))
    for plan in plans:
        facility_id = facility_of[plan.position]
        agency_id = ctx.facilities[facility_id][0]
        hr = rng.choice(ctx.hr_by_agency[agency_id])
        filer = plan.employee or hr
        current = title_of[plan.position]
        rank = title_ids.index(current)
        proposed = title_ids[rank + 1] if rank + 1 < len(title_ids) else title_ids[rank - 1]
        # Times: each step waits a few days; squeezed to fit before the limit.
        gaps = [0.0] + [
            rng.uniform(*GAPS.get(action, (1, 15))) * 86_400 for action in plan.walk[1:]
        ]
        room = (plan.limit - plan.created).total_seconds()
        scale = min(1.0, room / sum(gaps)) if sum(gaps) else 1.0
        moments, t = [], plan.created
        for gap in gaps:
            t = t + timedelta(seconds=int(gap * scale))
            moments.append(t)
        status = NEW
        r: dict[str, Any] = {
            "assigned_to_id": None,
            "paused_since": None,
            "paused_total": timedelta(0),
            "submitted_at": None,
            "submitted_on": None,
            "closed_on": None,
            "recommendation": "",
            "recommended_title_id": None,
            "recommendation_rationale": "",
            "recommended_by_id": None,
            "recommended_at": None,
            "decided_by_id": None,
            "decided_at": None,
            "decision_effective_date": None,
            "decision_note": "",
            "comment_due_on": None,
            "agency_stance": "",
            "agency_comment": "",
            "agency_comment_shared": False,
            "agency_commented_by_id": None,
            "agency_commented_at": None,
        }
        requested_effective = _ny_date(plan.created) + timedelta(days=60)
        for action, at in zip(plan.walk, moments, strict=True):
            if action == "proceed_without_comment" and _ny_date(at) <= r["comment_due_on"]:
                # Squeezed into the comment period: the agency commented in time instead.
                action = "comment"
            transition = TRANSITIONS_BY_ACTION[action]
            assert status in transition.sources, (plan.walk, action, status)
            today = _ny_date(at)
            if status == INFO_REQUESTED and r["paused_since"]:
                r["paused_total"] += today - r["paused_since"]
                r["paused_since"] = None
            actor = filer
            message = MESSAGES.get(action, "")
            if action == "submit":
                r["submitted_at"], r["submitted_on"] = at, today
            elif action == "file":
                r["comment_due_on"] = today + timedelta(days=settings.HIM_AGENCY_COMMENT_DAYS)
            elif action == "comment":
                actor = r["agency_commented_by_id"] = hr
                r["agency_commented_at"] = at
                r["agency_stance"] = rng.choice(STANCES)
                r["agency_comment"] = message
                r["agency_comment_shared"] = rng.random() < 0.5
                r["submitted_at"], r["submitted_on"] = at, today
            elif action == "proceed_without_comment":
                actor = rng.choice(ctx.analysts)
                r["submitted_at"], r["submitted_on"] = at, today
            elif action == "take":
                actor = r["assigned_to_id"] = rng.choice(ctx.analysts)
            elif action == "assign":
                actor = rng.choice(ctx.supervisors)
                r["assigned_to_id"] = rng.choice(ctx.analysts)
            elif action == "return_to_queue":
                actor, r["assigned_to_id"] = r["assigned_to_id"], None
            elif action == "request_information":
                actor = r["assigned_to_id"]
                r["paused_since"] = today
            elif action == "recommend":
                actor = r["recommended_by_id"] = r["assigned_to_id"]
                deny = plan.status == DENIED
                r["recommendation"] = "deny" if deny else "approve"
                r["recommended_title_id"] = current if deny else proposed
                r["recommendation_rationale"] = message
                r["recommended_at"] = at
            elif action == "return_to_analyst":
                actor = rng.choice(ctx.supervisors)
                r.update(
                    recommendation="",
                    recommended_title_id=None,
                    recommended_by_id=None,
                    recommended_at=None,
                )
            elif action in ("approve", "deny"):
                actor = r["decided_by_id"] = rng.choice(ctx.supervisors)
                r["decided_at"] = at
                r["decision_note"] = message
                if action == "approve":
                    effective = max(requested_effective, today)
                    r["decision_effective_date"] = effective
                    changes_by_position.setdefault(plan.position, []).append(
                        {
                            "position_id": plan.position,
                            "from_title_id": current,
                            "to_title_id": r["recommended_title_id"],
                            "effective_on": effective,
                            "reclassification_id": plan.pk,
                            "changed_by_id": actor,
                            "changed_at": at,
                        }
                    )
                    title_of[plan.position] = r["recommended_title_id"]
            events.append(
                {
                    "reclassification_id": plan.pk,
                    "action": action,
                    "from_status": status,
                    "to_status": transition.target,
                    "actor_id": actor,
                    "at": at,
                    "message": message,
                }
            )
            if action == "create":
                events[-1]["from_status"] = ""
            status = transition.target
            if status in (APPROVED, DENIED, WITHDRAWN):
                r["closed_on"] = today
        assert status == plan.status
        submitted = r["submitted_at"] is not None
        warranted, year, review = determination[facility_id]
        requests.append(
            (
                plan.pk,
                plan.position,
                current,
                proposed,
                "The position now supervises the unit's technicians and the release of information.",
                "Directs the health information management program of the facility.",
                "Reports to the facility director; supervises the records unit.",
                rng.randint(0, 6) if plan.employee is None else 0,
                rng.randint(0, 3) if plan.employee is None else 0,
                rng.randint(0, 4) if plan.employee is None else 0,
                requested_effective,
                "Agency HR office" if plan.employee is None else "The employee",
                f"hr{agency_id}@example.ny.gov"
                if plan.employee is None
                else f"employee{plan.employee}@example.ny.gov",
                "518-555-0100",
                status,
                len(plan.walk),
                None,
                filer,
                moments[0],
                moments[-1],
                r["submitted_at"],
                r["submitted_on"],
                r["paused_since"],
                r["paused_total"],
                r["closed_on"],
                # days_to_close, as ReclassificationRequest.closing_days() works it out
                (r["closed_on"] - r["submitted_on"]).days - r["paused_total"].days
                if r["closed_on"] and r["submitted_on"]
                else None,
                r["assigned_to_id"],
                r["recommendation"],
                r["recommended_title_id"],
                r["recommendation_rationale"],
                r["recommended_by_id"],
                r["recommended_at"],
                r["decided_by_id"],
                r["decided_at"],
                r["decision_effective_date"],
                r["decision_note"],
                STANDARD_ID if submitted else "",
                year if submitted else None,
                warranted if submitted else None,
                bool(review) if submitted else False,
                [],
                [],
                "",
                "",
                agency_id,
                plan.employee,
                r["comment_due_on"],
                r["agency_stance"],
                r["agency_comment"],
                r["agency_comment_shared"],
                r["agency_commented_by_id"],
                r["agency_commented_at"],
            )
        )
        duties.append((next(duty_ids), plan.pk, 0, "Supervises the health records unit.", 60))
        duties.append((next(duty_ids), plan.pk, 1, "Audits documentation for compliance.", 40))

    people = {a: list(p) for a, p in people_by_agency.items()}
    for group in people.values():
        rng.shuffle(group)
    positions = []
    for pk, facility_id in facility_of.items():
        agency_id = ctx.facilities[facility_id][0]
        incumbent = people[agency_id].pop() if people[agency_id] and rng.random() < 0.8 else None
        chief = chief_of.get(facility_id)
        positions.append(
            (
                pk,
                f"{PREFIX}-{pk:07d}",
                facility_id,
                title_of[pk],
                incumbent,
                None if chief == pk else chief,
                True,
            )
        )
    w.insert(
        Position,
        ["id", "item_number", "facility_id", "title_id", "incumbent_id", "reports_to_id", "active"],
        positions,
    )
    w.insert(
        ReclassificationRequest,
        [
            "id",
            "position_id",
            "current_title_id",
            "proposed_title_id",
            "justification",
            "purpose",
            "reporting_relationships",
            "technicians_1_supervised",
            "technicians_2_supervised",
            "clerical_supervised",
            "requested_effective_date",
            "contact_name",
            "contact_email",
            "contact_phone",
            "status",
            "version",
            "creation_token",
            "created_by_id",
            "created_at",
            "updated_at",
            "submitted_at",
            "submitted_on",
            "paused_since",
            "paused_total",
            "closed_on",
            "days_to_close",
            "assigned_to_id",
            "recommendation",
            "recommended_title_id",
            "recommendation_rationale",
            "recommended_by_id",
            "recommended_at",
            "decided_by_id",
            "decided_at",
            "decision_effective_date",
            "decision_note",
            "standard_id",
            "counts_fiscal_year",
            "warranted_title_id",
            "determination_needs_review",
            "determination_reasons",
            "determination_clauses",
            "letter",
            "letter_sha256",
            "agency_id",
            "employee_id",
            "comment_due_on",
            "agency_stance",
            "agency_comment",
            "agency_comment_shared",
            "agency_commented_by_id",
            "agency_commented_at",
        ],
        requests,
    )
    # Each filing employee holds the position they filed for.
    holders = sorted({(p.position, p.employee) for p in plans if p.employee is not None})
    Position.employees.through.objects.bulk_create(
        Position.employees.through(position_id=position, user_id=employee)
        for position, employee in holders
    )
    w.insert(DutyLine, ["id", "reclassification_id", "order", "description", "percent"], duties)
    first_event = w.next_id(ReclassificationEvent)
    w.insert_chained(ReclassificationEvent, events)
    w.insert(
        StatusSpell,
        ["event_id", "reclassification_id", "status", "started_at", "ended_at"],
        spells_of(events, first_id=first_event),
    )

    def title_history():
        for pk in facility_of:
            yield {
                "position_id": pk,
                "from_title_id": None,
                "to_title_id": initial_title[pk],
                "effective_on": start,
                "reclassification_id": None,
                "changed_by_id": None,
                "changed_at": ctx.moment(start),
            }
            yield from changes_by_position.get(pk, [])

    w.insert_chained(PositionTitleChange, title_history())
