"""How every demo seeder acts: through the site's services, with the clock set back."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from facilities.models import User

from .. import services
from ..models import Position, Title

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


def _run(r, actor, action, **kwargs):
    r.refresh_from_db()
    return services.SERVICES[action](
        actor=actor, reclassification_id=r.pk, expected_version=r.version, **kwargs
    )
