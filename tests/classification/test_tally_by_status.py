"""The request tally the database keeps (models.RequestTally, decision 0024), summed by status,
gives the requests' own counts after every kind of write: COPY (seed_bulk), save, a queryset's
update and delete, bulk_create, and a rolled-back transaction; and the queue's badges read them."""

import pytest
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from classification import appeal_services, appeal_workflow, selectors
from classification.models import Appeal, ReclassificationRequest, RequestTally
from facilities.models import User
from tests.factories import hr_user
from tests.perf.test_query_counts import seed

from .factories import reclassification_in

pytestmark = pytest.mark.django_db


def kept() -> dict[str, int]:
    totals: dict[str, int] = {}
    for tally in RequestTally.objects.all():
        totals[tally.status] = totals.get(tally.status, 0) + tally.requests
    return {status: n for status, n in totals.items() if n}


def counted() -> dict[str, int]:
    rows = ReclassificationRequest.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows.order_by()}


def test_the_counts_follow_every_write():
    seed(5)  # COPY
    assert kept() == counted() != {}
    hr = hr_user("OMH", username="hr-counts")
    r = reclassification_in("submitted", hr=hr)  # save
    assert kept() == counted()
    r.status = "in_review"
    r.save()
    assert kept() == counted()
    ReclassificationRequest.objects.filter(status="approved").update(status="withdrawn")
    assert kept() == counted()
    ReclassificationRequest.objects.filter(pk=r.pk).update(version=r.version)  # no status change
    assert kept() == counted()
    copies = list(ReclassificationRequest.objects.filter(status="denied")[:3])
    for c in copies:
        c.pk, c.creation_token, c.status = None, None, "approved"
    ReclassificationRequest.objects.bulk_create(copies)
    assert kept() == counted()
    copied = ReclassificationRequest.objects.filter(pk__in=[c.pk for c in copies])
    with pytest.raises(RuntimeError), transaction.atomic():
        copied.update(status="withdrawn")
        raise RuntimeError
    assert kept() == counted()
    copied.delete()
    assert kept() == counted()


def test_the_queue_badges_are_the_counts(client):
    seed(5)
    client.force_login(User.objects.get(username="bulk-supervisor-0"))
    counts = client.get(reverse("classification:reclassification_list")).context["tab_counts"]
    by_status = counted()
    assert counts["unassigned"] == by_status.get("submitted", 0)
    assert counts["awaiting"] == by_status.get("recommended", 0)
    assert counts["all"] == sum(n for s, n in by_status.items() if s != "draft") > 0


def test_every_badge_counts_its_tab(cast):
    """Each tab's badge from the one counting query (the tallies by status, the user's own
    open requests, the open appeals): a draft is in none, nor is a closed appeal. With nothing
    filed, every badge is 0."""
    assert selectors.tab_counts(cast.assigned) == dict.fromkeys(
        ["unassigned", "mine", "awaiting", "all", "appeals"], 0
    )
    reclassification_in("draft", hr=cast.hr)
    reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    reclassification_in("submitted", hr=cast.hr)
    reclassification_in("recommended", hr=cast.hr, assigned=cast.analyst)

    def appealed(status: str) -> Appeal:
        r = reclassification_in(status, hr=cast.hr, assigned=cast.assigned, decider=cast.supervisor)
        return appeal_services.file_appeal(
            actor=cast.hr, reclassification_id=r.pk, grounds="The duties meet the title."
        )

    appealed("denied")
    closed = appealed("approved")
    Appeal.objects.filter(pk=closed.pk).update(  # set-up only: what closing it leaves
        status=appeal_workflow.CLOSED,
        transmitted_at=timezone.now(),
        outcome=appeal_workflow.UPHELD,
        commission_decided_on=timezone.localdate(),
        closed_on=timezone.localdate(),
    )
    assert selectors.tab_counts(cast.assigned) == {
        "unassigned": 1,
        "mine": 1,  # in review; the decided ones are no longer open
        "awaiting": 1,
        "all": 5,  # all but the draft
        "appeals": 1,  # the denied request's; the approved one's is closed
    }
    assert selectors.tab_counts(cast.analyst)["mine"] == 1
    assert selectors.tab_counts(cast.hr) == {}
