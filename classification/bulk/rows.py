"""The rows of the planned requests, written in bulk as the services would have left them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from classification.models import (
    DutyLine,
    Position,
    PositionTitleChange,
    ReclassificationEvent,
    ReclassificationRequest,
    StatusSpell,
)
from classification.standard import STANDARD_ID
from classification.workflow import (
    APPROVED,
    DENIED,
    INFO_REQUESTED,
    NEW,
    TRANSITIONS_BY_ACTION,
    WITHDRAWN,
)
from facilities.bulk.facilities import PREFIX

from .plan import GAPS, MESSAGES, STANCES, _ny_date, spells_of


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
