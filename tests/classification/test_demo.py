"""The demo's requests read as a reviewer would expect: an analyst recommended approving only
where the analysis recorded with the recommendation found the position fits (a Technician 2
supervises Technicians 1; an Administrator 1 assists an Administrator 3)."""

import io

import pytest
from django.core.management import call_command

from classification.models import ReclassificationRequest

pytestmark = pytest.mark.django_db


def test_every_recommended_approval_passed_its_recorded_checks(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    approvals = ReclassificationRequest.objects.filter(recommendation="approve")
    failing = {
        r.pk: [f["message"] for f in r.supervision_facts if not f["ok"]]
        for r in approvals
        if not all(f["ok"] for f in r.supervision_facts)
    }
    assert approvals.filter(status="approved").count() >= 5
    assert failing == {}
