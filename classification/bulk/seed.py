"""The entry point: bulk positions with their title history and requests (`seed_bulk`)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from classification.models import (
    Position,
    ReclassificationRequest,
    Title,
)
from classification.workflow import (
    WITHDRAWN,
)
from facilities.bulk.facilities import Context
from facilities.models import Facility

from .plan import (
    BASE_WALKS,
    CLOSED_MIX,
    EMPLOYEE_SHARE,
    LOOPS,
    OPEN_MIX,
    PlannedRequest,
    _as_employee_request,
)
from .rows import _write


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
