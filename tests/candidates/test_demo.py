"""The demo people cover every outcome, in every agency, and seeding twice changes nothing."""

import pytest
from django.core.management import call_command

from candidates.dates import today_in_new_york
from candidates.models import Person, Verification
from candidates.selectors import evaluations_for, person_for_user
from tests.factories import analyst_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def test_demo_covers_every_outcome(seeded):
    analyst = analyst_user()
    today = today_in_new_york()
    assert set(Person.objects.values_list("agency__code", flat=True)) == {
        "DOCCS", "OASAS", "OMH", "OPWDD",
    }  # fmt: skip
    outcomes = {}
    for person in Person.objects.all():
        rows = evaluations_for(person_for_user(analyst, person.pk), today)
        outcomes[person.employee_id] = {r.title.short_name: r.evaluation.outcome for r in rows}
    assert outcomes["DEMO-001"]["Technician 2"] == "qualified"
    assert outcomes["DEMO-002"]["Technician 1"] == "unverified"
    assert outcomes["DEMO-003"]["Administrator 2"] == "unverified"  # stale
    assert outcomes["DEMO-004"]["Administrator 1"] == "qualified"
    assert outcomes["DEMO-004"]["Technician 1"] == "not_qualified"  # RHIA only
    assert outcomes["DEMO-005"]["Technician 1"] == "not_qualified"
    assert outcomes["DEMO-007"]["Technician 2"] == "qualified"  # legacy ART
    assert outcomes["DEMO-009"]["Technician 1"] == "not_qualified"  # corrected to revoked
    assert Verification.objects.filter(corrects__isnull=False).count() == 1


def test_seeding_twice_changes_nothing(seeded, settings):
    before = (Person.objects.count(), Verification.objects.count())
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Person.objects.count(), Verification.objects.count()) == before
