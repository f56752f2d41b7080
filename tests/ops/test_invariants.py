"""The invariant queries (tests/ops/invariants.py) run on both databases and catch what they guard."""

import pytest
from django.db import IntegrityError, connection, transaction

from tests.factories import AnnualActivityFactory, hr_user
from tests.ops.invariants import INVARIANTS, violations
from tests.ops.rows import fill_every_table


@pytest.mark.django_db
def test_a_consistent_database_breaks_no_invariant():
    fill_every_table()
    with connection.cursor() as cursor:
        assert violations(cursor) == {}


@pytest.mark.django_db
def test_an_agency_hr_user_without_agency_is_found():
    user = hr_user("OMH")
    with connection.cursor() as cursor:
        # As a bad write with SQL would leave it: no form, no service, no clean().
        cursor.execute("UPDATE facilities_user SET agency_id = NULL WHERE id = %s", [user.pk])
        assert violations(cursor) == {"every Agency HR user has an agency": [(user.pk,)]}


@pytest.mark.django_db
def test_the_database_itself_refuses_negative_counts():
    """The first invariant is belt and braces: the column's CHECK refuses it before the query can."""
    counts = AnnualActivityFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE facilities_annualactivity SET records_activities = -1 WHERE id = %s",
            [counts.pk],
        )


def test_every_invariant_has_a_name_and_a_select():
    for name, query in INVARIANTS.items():
        assert name and query.strip().upper().startswith("SELECT")


@pytest.mark.django_db
def test_a_status_changed_behind_the_workflow_is_found():
    """A request whose status was set with SQL no longer matches its last event."""
    from classification import services
    from tests.classification.factories import reclassification_in

    hr = hr_user("OMH")
    r = reclassification_in("draft", hr=hr)
    services.submit_reclassification(actor=hr, reclassification_id=r.pk, expected_version=r.version)
    with connection.cursor() as cursor:
        assert violations(cursor) == {}
        cursor.execute(
            "UPDATE classification_reclassificationrequest SET status = 'withdrawn' WHERE id = %s",
            [r.pk],
        )
        found = violations(cursor)
    assert found["a request's status is the status its last event moved it to"] == [(r.pk,)]
