"""How every demo seeder acts: through the site's services, with the clock set back."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from classification.standard import TECHNICIAN_1, TECHNICIAN_2
from facilities.models import User

from .. import selectors, services
from ..models import Position, ReclassificationRequest, Title
from ..selectors import SupervisionCheck

# A tiny but real PDF, enough for the organization chart the demo requests need.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 1/Kids"
    b"[3 0 R]>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@contextmanager
def clock(day: date):
    """Services stamp times with timezone.now(): pretend it is 10:00 New York time on `day`."""
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _draft(hr: User, position: Position, proposed: str, *, complete: bool = True):
    r = services.create_reclassification(
        actor=hr,
        position=position,
        proposed_title=Title.objects.get(code=proposed),
        justification="The position now supervises the unit's Technicians and runs the "
        "release-of-information desk."
        if complete
        else "",
        purpose="Manage health records for the facility's units.",
        reporting_relationships="Reports to the chief of health information management.",
        technicians_1_supervised=2,
        clerical_supervised=1,
        requested_effective_date=timezone.localdate() + timedelta(days=30),
        contact_name=hr.get_full_name(),
        contact_email=hr.email,
        duties=[
            ("Supervise Technicians 1 and clerical staff", 40),
            ("Audit records for completeness", 35),
            ("Answer release-of-information requests", 25 if complete else 15),
        ],
    )
    if complete:
        services.add_attachment(
            actor=hr,
            reclassification_id=r.pk,
            kind="org_chart",
            upload=SimpleUploadedFile("organization chart.pdf", DEMO_PDF, "application/pdf"),
        )
    return r


def _supervising(r: ReclassificationRequest, recommended: Title | None = None) -> None:
    """Before an analyst recommends approving a Technician 2, give the position the
    Technicians 1 the request says it supervises (two if it says none), from the facility's
    Technicians 1 who supervise nobody: the standard's Technician 2 supervises Technicians 1,
    and the analysis recorded with the recommendation says so. (A position that supervises
    nobody is nobody's supervisor, so no chain of reports becomes a loop.)"""
    title = recommended or r.recommended_title or r.proposed_title
    position = r.position
    if title.code != TECHNICIAN_2 or position is None or position.direct_reports.exists():
        return
    spare = (
        Position.objects.filter(
            facility=position.facility_id,
            title__code=TECHNICIAN_1,
            active=True,
            direct_reports__isnull=True,
        )
        .exclude(pk=position.pk)
        # Not those given to another Technician 2 request's position already.
        .exclude(reports_to__reclassifications__proposed_title__code=TECHNICIAN_2)
        # The last items first: the other seeders propose the first ones.
        .order_by("-item_number")
        .values_list("pk", flat=True)
    )
    chosen = list(spare[: r.technicians_1_supervised or 2])
    Position.objects.filter(pk__in=chosen).update(reports_to=position)


def _fits(r: ReclassificationRequest) -> SupervisionCheck | None:
    """None if the request's position passes the supervision checks for its proposed title,
    else the first check it fails (what the request page's analysis shows)."""
    position = r.position
    checks = selectors.supervision_checks(
        position,
        r.proposed_title,
        determination=selectors.determination_for_facility(position.facility),
        chief=selectors.chief_position(position.facility),
    )
    return next((c for c in checks if not c.ok), None)


def _run(r, actor, action, **kwargs):
    r.refresh_from_db()
    if action == "recommend" and kwargs.get("recommendation") == "approve":
        _supervising(r, kwargs.get("recommended_title"))
    return services.SERVICES[action](
        actor=actor, reclassification_id=r.pk, expected_version=r.version, **kwargs
    )
