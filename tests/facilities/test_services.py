"""Count services: report, correct with history, accept/dispute, conflicts, permissions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from classification.standard import ADMINISTRATOR_1, ADMINISTRATOR_2
from common.errors import ConflictError
from facilities import services
from facilities.models import AnnualActivity, AnnualActivityRevision
from tests.factories import FacilityFactory, analyst_user, hr_user, supervisor_user

from .helpers import counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def ddsoo():
    return FacilityFactory(agency__code="OPWDD", facility_type="ddsoo", code="DD1")


def test_reporting_a_year_writes_the_row_and_a_revision(ddsoo):
    hr = hr_user("OPWDD")
    activity = counts(ddsoo, hr, 2024, 2_500, 200_000)
    assert activity.status == "submitted"
    assert activity.submitted_by == hr
    (revision,) = activity.revisions.all()
    assert (revision.kind, revision.old_individuals_served, revision.new_individuals_served) == (
        "reported",
        None,
        2_500,
    )
    ddsoo.refresh_from_db()
    assert ddsoo.latest_activity == activity
    assert ddsoo.warranted_title_code == ""  # nothing accepted yet


def test_a_correction_keeps_the_old_values_and_needs_acceptance_again(ddsoo):
    analyst = analyst_user()
    activity = counts(ddsoo, hr_user("OPWDD"), 2024, 2_500, 200_000, accept_by=analyst)
    ddsoo.refresh_from_db()
    assert ddsoo.warranted_title_code == ADMINISTRATOR_1

    corrected = services.report_counts(
        actor=analyst,
        facility=ddsoo,
        fiscal_year=2024,
        individuals_served=3_100,
        records_activities=200_000,
        note="Census double-counted a unit",
        expected_version=activity.version,
    )
    assert corrected.pk == activity.pk
    assert corrected.status == "submitted"
    assert corrected.version == activity.version + 1
    last = corrected.revisions.order_by("-version").first()
    assert last.kind == "corrected"
    assert (last.old_individuals_served, last.new_individuals_served) == (2_500, 3_100)
    assert (last.old_status, last.new_status) == ("accepted", "submitted")
    assert last.note == "Census double-counted a unit"
    assert AnnualActivityRevision.objects.filter(activity=activity).count() == 3
    ddsoo.refresh_from_db()
    assert ddsoo.warranted_title_code == ""  # the only year is no longer accepted

    services.accept_counts(actor=analyst, activity=corrected, expected_version=corrected.version)
    ddsoo.refresh_from_db()
    assert ddsoo.warranted_title_code == ADMINISTRATOR_2


def test_entering_an_existing_year_without_its_version_is_a_conflict_not_an_overwrite(ddsoo):
    hr = hr_user("OPWDD")
    counts(ddsoo, hr, 2024, 2_500, 200_000)
    with pytest.raises(ConflictError) as raised:
        services.report_counts(
            actor=hr, facility=ddsoo, fiscal_year=2024, individuals_served=9, records_activities=9
        )
    assert "already has counts" in raised.value.message
    assert AnnualActivity.objects.get().individuals_served == 2_500


def test_a_stale_version_is_refused(ddsoo):
    hr = hr_user("OPWDD")
    activity = counts(ddsoo, hr, 2024, 2_500, 200_000)
    stale = activity.version
    services.report_counts(
        actor=hr,
        facility=ddsoo,
        fiscal_year=2024,
        individuals_served=2_600,
        records_activities=200_000,
        note="fix",
        expected_version=stale,
    )
    with pytest.raises(ConflictError) as raised:
        services.report_counts(
            actor=hr,
            facility=ddsoo,
            fiscal_year=2024,
            individuals_served=2_700,
            records_activities=200_000,
            note="fix again",
            expected_version=stale,
        )
    assert "Someone changed" in raised.value.message
    assert AnnualActivity.objects.get().individuals_served == 2_600


def test_a_correction_needs_a_reason(ddsoo):
    hr = hr_user("OPWDD")
    activity = counts(ddsoo, hr, 2024, 2_500, 200_000)
    with pytest.raises(ValidationError) as raised:
        services.report_counts(
            actor=hr,
            facility=ddsoo,
            fiscal_year=2024,
            individuals_served=1,
            records_activities=1,
            expected_version=activity.version,
        )
    assert "note" in raised.value.error_dict


def test_unchanged_values_write_nothing(ddsoo):
    hr = hr_user("OPWDD")
    activity = counts(ddsoo, hr, 2024, 2_500, 200_000)
    again = services.report_counts(
        actor=hr,
        facility=ddsoo,
        fiscal_year=2024,
        individuals_served=2_500,
        records_activities=200_000,
        expected_version=activity.version,
    )
    assert again.version == activity.version
    assert activity.revisions.count() == 1


def test_hr_cannot_report_for_another_agency(ddsoo):
    with pytest.raises(PermissionDenied):
        counts(ddsoo, hr_user("OMH"), 2024, 1, 1)
    assert not AnnualActivity.objects.exists()


def test_the_database_constraints_surface_as_validation_errors(ddsoo):
    with pytest.raises(ValidationError) as raised:
        services.report_counts(
            actor=analyst_user(),
            facility=ddsoo,
            fiscal_year=1980,
            individuals_served=-1,
            records_activities=5,
        )
    assert "individuals_served" in raised.value.error_dict
    assert "The fiscal year must be between 1990 and 2100." in raised.value.messages
    assert not AnnualActivity.objects.exists()


def test_a_year_that_has_not_started_is_refused(ddsoo):
    with pytest.raises(ValidationError):
        counts(ddsoo, analyst_user(), services.current_fiscal_year() + 1, 1, 1)


@pytest.mark.parametrize(
    ("start", "action", "allowed"),
    [
        ("submitted", "accept", True),
        ("disputed", "accept", True),
        ("accepted", "accept", False),
        ("submitted", "dispute", True),
        ("accepted", "dispute", True),
        ("disputed", "dispute", False),
    ],
)
def test_review_transitions(ddsoo, start, action, allowed):
    analyst = analyst_user()
    activity = counts(ddsoo, hr_user("OPWDD"), 2024, 2_500, 200_000)
    if start != "submitted":
        verb = services.accept_counts if start == "accepted" else services.dispute_counts
        activity = verb(actor=analyst, activity=activity, expected_version=1, note="x")
    verb = services.accept_counts if action == "accept" else services.dispute_counts
    if allowed:
        done = verb(actor=analyst, activity=activity, expected_version=activity.version, note="n")
        assert done.status == {"accept": "accepted", "dispute": "disputed"}[action]
        assert done.reviewed_by == analyst
        assert done.revisions.order_by("-version").first().kind == done.status
    else:
        with pytest.raises(ValidationError):
            verb(actor=analyst, activity=activity, expected_version=activity.version, note="n")
        activity.refresh_from_db()
        assert activity.status == start


@pytest.mark.parametrize("make_user", [lambda: hr_user("OPWDD"), lambda: hr_user("OMH")])
def test_only_analysts_review(ddsoo, make_user):
    activity = counts(ddsoo, hr_user("OPWDD"), 2024, 2_500, 200_000)
    with pytest.raises(PermissionDenied):
        services.accept_counts(actor=make_user(), activity=activity, expected_version=1)


def test_supervisors_review_too(ddsoo):
    activity = counts(ddsoo, hr_user("OPWDD"), 2024, 2_500, 200_000)
    done = services.accept_counts(actor=supervisor_user(), activity=activity, expected_version=1)
    assert done.status == "accepted"


def test_dispute_needs_a_note_and_a_stale_review_is_refused(ddsoo):
    analyst = analyst_user()
    activity = counts(ddsoo, hr_user("OPWDD"), 2024, 2_500, 200_000)
    with pytest.raises(ValidationError):
        services.dispute_counts(actor=analyst, activity=activity, expected_version=1, note=" ")
    with pytest.raises(ConflictError):
        services.accept_counts(actor=analyst, activity=activity, expected_version=7)
    activity.refresh_from_db()
    assert activity.status == "submitted"


def test_an_inactive_facility_takes_no_counts(ddsoo):
    ddsoo.active = False
    ddsoo.save()
    with pytest.raises(ValidationError):
        counts(ddsoo, analyst_user(), 2024, 1, 1)
    assert not AnnualActivity.objects.exists()


def test_discard_stale_imports_keeps_recent_and_applied_ones():
    from datetime import timedelta

    from django.utils import timezone

    from facilities.models import CountImport

    hr = hr_user("OPWDD")
    old = services.preview_count_import(actor=hr, file_name="a.csv", data=b"x")
    recent = services.preview_count_import(actor=hr, file_name="b.csv", data=b"x")
    CountImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert services.discard_stale_imports() == 1
    assert list(CountImport.objects.values_list("pk", flat=True)) == [recent.pk]
