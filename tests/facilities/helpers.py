"""Small builders shared by the facilities tests."""

import csv
import io

from facilities import services
from facilities.models import AnnualActivity, Facility


def counts(
    facility: Facility, actor, year: int, i: int, a: int, *, accept_by=None
) -> AnnualActivity:
    """Report a year through the service, and accept it when `accept_by` is given."""
    activity = services.report_counts(
        actor=actor, facility=facility, fiscal_year=year, individuals_served=i, records_activities=a
    )
    if accept_by is not None:
        activity = services.accept_counts(
            actor=accept_by, activity=activity, expected_version=activity.version
        )
    return activity


def csv_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        header
        or [
            "facility_code",
            "fiscal_year",
            "individuals_served",
            "records_activities",
            "methodology",
        ]
    )
    writer.writerows(rows)
    return buffer.getvalue().encode()
