"""Demo data: idempotent, and it shows each case the issue names."""

import io

import pytest
from django.core.management import call_command

from facilities.models import AnnualActivity, AnnualActivityRevision, Facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_seeding_twice_changes_nothing(seeded):
    before = (
        Facility.objects.count(),
        AnnualActivity.objects.count(),
        AnnualActivityRevision.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    after = (
        Facility.objects.count(),
        AnnualActivity.objects.count(),
        AnnualActivityRevision.objects.count(),
    )
    assert before == after


def test_demo_has_each_case(seeded):
    ddsoos = Facility.objects.filter(facility_type="ddsoo").select_related("latest_activity")
    assert {"3616510", "3616520", "3616530"} <= {f.warranted_title_code for f in ddsoos}
    exactly = [f for f in ddsoos if f.needs_review]
    assert exactly and exactly[0].latest_activity.records_activities == 250_000
    assert any(f.trend_state == "watch" for f in ddsoos)
    assert {f.facility_type for f in Facility.objects.all()} >= {
        "adult_pc_freestanding",
        "forensic_pc_freestanding",
        "childrens_pc_freestanding",
        "childrens_pc_colocated",
        "ddsoo",
        "doccs_rmu",
        "other",
        "rehabilitation_hospital",
    }
    statuses = set(AnnualActivity.objects.values_list("status", flat=True))
    assert statuses == {"accepted", "submitted", "disputed"}
