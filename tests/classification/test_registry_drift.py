"""The registry's drift (reports.drift.with_drift, the annotation alone) is with_chief's."""

import pytest

from classification.reports.drift import with_chief, with_drift
from facilities.models import Facility
from tests.perf.test_query_counts import seed

pytestmark = pytest.mark.django_db


def test_with_drift_is_with_chiefs_drift():
    seed(50)
    chief = dict(with_chief(Facility.objects.all()).values_list("pk", "drift"))
    alone = dict(with_drift(Facility.objects.all()).values_list("pk", "drift"))
    assert alone == chief
    assert {"up", "down", ""} <= set(alone.values())
