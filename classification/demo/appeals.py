"""Demo appeals of decided requests."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from classification.standard import (
    TECHNICIAN_1,
    TECHNICIAN_2,
)
from facilities.models import User

from .. import appeal_services
from ..models import Appeal, Position
from .steps import DEMO_PDF, _draft, _run, clock

# Appeals (decision 0021-appeals): a denied request's appeal in each state, and a denial
# whose appeal period has ended. (name, days ago the request started, appeal steps)
APPEAL_SCENARIOS = [
    ("appeal filed", 30, []),
    ("appeal sent to the Commission", 50, ["transmit"]),
    ("appeal decided (reversed)", 70, ["transmit", "decide"]),
    ("appeal closed (upheld)", 90, ["transmit", "decide", "close"]),
    ("appeal period ended", 120, None),
]


APPEAL_GROUNDS = (
    "The position reviews the work of two Technicians 1 every day and signs off on release "
    "of information; the organization chart attached shows both reporting to it."
)


def seed_appeals(stdout) -> int:
    """Denied requests of agency HR through the services, then their appeals in each state."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["analyst", "analyst2", "supervisor"])
    }
    hr = User.objects.filter(username="hr-omh").first()
    if hr is None or len(users) < 3:
        stdout.write("Demo appeals skipped: demo users missing.")
        return 0

    if Appeal.objects.exists():
        stdout.write("Demo appeals: already there.")
        return 0
    positions = list(
        Position.objects.filter(
            facility__agency=hr.agency, title__code=TECHNICIAN_1, active=True, employees=None
        )
        .exclude(reclassifications__isnull=False)
        .order_by("-item_number")[: len(APPEAL_SCENARIOS)]
    )
    if len(positions) < len(APPEAL_SCENARIOS):
        stdout.write("Demo appeals skipped: too few free positions.")
        return 0
    today = timezone.localdate()
    made = 0
    for (name, days_ago, steps), position in zip(APPEAL_SCENARIOS, positions, strict=True):
        day = today - timedelta(days=days_ago)
        with clock(day):
            r = _draft(hr, position, TECHNICIAN_2)
            _run(r, hr, "submit")
        for i, (action, who, kwargs) in enumerate(
            [
                ("take", "analyst", {}),
                (
                    "recommend",
                    "analyst",
                    {
                        "recommendation": "deny",
                        "rationale": "No Technician 1 reports to the position on the chart.",
                    },
                ),
                (
                    "deny",
                    "supervisor",
                    {"message": "The position does not supervise Technicians 1."},
                ),
            ],
            start=1,
        ):
            with clock(day + timedelta(days=3 * i)):
                _run(r, users[who], action, **kwargs)
        if steps is None:
            continue
        decided_on = day + timedelta(days=9)
        with clock(decided_on + timedelta(days=5)):
            appeal = appeal_services.file_appeal(
                actor=hr,
                reclassification_id=r.pk,
                grounds=APPEAL_GROUNDS,
                files=[SimpleUploadedFile("organization chart.pdf", DEMO_PDF, "application/pdf")],
            )
        for j, action in enumerate(steps, start=1):
            appeal.refresh_from_db()
            on = min(today, decided_on + timedelta(days=5 + 7 * j))
            with clock(on):
                if action == "transmit":
                    appeal_services.transmit_appeal(
                        actor=users["analyst"], appeal_id=appeal.pk, expected_version=appeal.version
                    )
                    # Stored after commit; a seed run inside a transaction stores it here.
                    appeal_services.store_appeal_packet(appeal_id=appeal.pk)
                elif action == "decide":
                    reversed_ = name.startswith("appeal decided")
                    appeal_services.record_commission_decision(
                        actor=users["supervisor"],
                        appeal_id=appeal.pk,
                        expected_version=appeal.version,
                        outcome="reversed" if reversed_ else "upheld",
                        decided_on=on,
                        effective_on=on if reversed_ else None,
                        message="The Commission finds the position supervises two Technicians 1."
                        if reversed_
                        else "The Commission finds the determination correct.",
                    )
                else:
                    appeal_services.close_appeal(
                        actor=users["analyst"], appeal_id=appeal.pk, expected_version=appeal.version
                    )
        made += 1
    stdout.write(f"Demo appeals: {made} created.")
    return made
