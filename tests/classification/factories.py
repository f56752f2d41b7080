"""Factories and helpers for positions and requests in any workflow state."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import factory
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from classification.models import (
    Attachment,
    DutyLine,
    Position,
    ReclassificationRequest,
    Title,
)
from classification.services import record_event
from classification.standard import TECHNICIAN_1, TECHNICIAN_2
from tests.factories import FacilityFactory, employee_user

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def title(code: str) -> Title:
    return Title.objects.get(code=code)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    item_number = factory.Sequence(lambda n: f"I{n:05d}")
    facility = factory.SubFactory(FacilityFactory)
    title = factory.LazyFunction(lambda: title(TECHNICIAN_1))


def reclassification_in(
    status: str,
    *,
    hr,
    position: Position | None = None,
    assigned=None,
    recommender=None,
    decider=None,
    complete: bool = True,
    employee=None,
    comment_due_on: date | None = None,
) -> ReclassificationRequest:
    """A request already in `status`, with the fields that state implies (test set-up only).

    With `employee` (or in `agency_comment`, where one is made) the employee filed it (form
    CC-2E) for a position they hold; its comment period ended yesterday unless
    `comment_due_on` says otherwise."""
    position = position or PositionFactory(facility__agency=hr.agency)
    if status == "agency_comment" and employee is None:
        employee = employee_user()
    if employee is not None:
        position.employees.add(employee)
    now = timezone.now()
    today = timezone.localdate()
    created = now - timedelta(days=30)  # before the submission below and any event a test adds
    r = ReclassificationRequest(
        position=position,
        created_at=created,
        updated_at=now,
        current_title=position.title,
        proposed_title=title(TECHNICIAN_2),
        justification="Supervises two Technicians 1." if complete else "",
        created_by=employee or hr,
        contact_email=(employee or hr).email,
        employee=employee,
        requested_effective_date=today + timedelta(days=14),
        status=status,
    )
    if employee is not None and status != "draft":
        r.comment_due_on = comment_due_on or today - timedelta(days=1)
    if status not in ("draft", "agency_comment"):
        r.submitted_at = now - timedelta(days=10)
        r.submitted_on = today - timedelta(days=10)
    if status in ("in_review", "info_requested", "recommended", "approved", "denied"):
        r.assigned_to = assigned
    if status == "info_requested":
        r.paused_since = today - timedelta(days=2)
    if status in ("recommended", "approved", "denied"):
        r.recommendation = "approve"
        r.recommended_title = r.proposed_title
        r.recommended_by = recommender or assigned
        r.recommended_at = now
        r.recommendation_rationale = "Fits the standard."
    if status in ("approved", "denied"):
        r.decided_by = decider
        r.decided_at = now
    if status in ("approved", "denied", "withdrawn"):
        r.closed_on = today
        r.days_to_close = r.closing_days()
    r.save()
    if complete:
        DutyLine.objects.create(reclassification=r, description="Supervise", percent=60)
        DutyLine.objects.create(reclassification=r, description="Audit", percent=40)
        Attachment.objects.create(
            reclassification=r,
            kind="org_chart",
            file=ContentFile(PDF, name="chart.pdf"),
            original_name="chart.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256="0" * 64,
            uploaded_by=employee or hr,
        )
    record_event(
        reclassification=r,
        action="create",
        from_status="",
        to_status="draft",
        actor=employee or hr,
        at=created,
    )
    return r


__all__ = ["PDF", "PositionFactory", "date", "reclassification_in", "title"]


def seed_a_little_bulk() -> None:
    """The bulk seeder at a small size (6 facilities, 40 requests, 300 events; seed 3): what
    the kept tallies are checked against after a COPY."""
    call_command(
        "seed_bulk",
        facilities=6,
        years=2,
        positions=20,
        requests=40,
        events=300,
        people=5,
        seed=3,
        stdout=StringIO(),
    )
