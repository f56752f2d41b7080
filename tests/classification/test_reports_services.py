"""Saved queue filters (each user's own) and returning a departed analyst's requests."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from classification import services
from classification.models import ReclassificationEvent, ReclassificationRequest, SavedFilter
from common.errors import Refused
from tests.factories import analyst_user

from .factories import reclassification_in

pytestmark = pytest.mark.django_db


# --- saved filters ---------------------------------------------------------------------------


def test_saving_a_filter_keeps_the_query_without_page_or_export(cast):
    saved = services.save_queue_filter(
        user=cast.analyst, name="Overdue OMH", query="tab=all&overdue=true&page=3&_export=csv"
    )
    assert saved.query == "tab=all&overdue=true"
    again = services.save_queue_filter(user=cast.analyst, name="Overdue OMH", query="tab=mine")
    assert again.pk == saved.pk and again.query == "tab=mine"
    assert SavedFilter.objects.count() == 1


def test_a_filter_needs_a_name(cast):
    with pytest.raises(ValidationError):
        services.save_queue_filter(user=cast.analyst, name="  ", query="tab=all")


def test_nobody_sees_or_deletes_another_users_filters(client, cast):
    mine = services.save_queue_filter(user=cast.analyst, name="Mine only", query="tab=mine")
    client.force_login(cast.supervisor)
    page = client.get(reverse("classification:reclassification_list")).content.decode()
    assert "Mine only" not in page
    response = client.post(reverse("classification:saved_filter_delete", args=[mine.pk]))
    assert response.status_code == 404
    assert SavedFilter.objects.filter(pk=mine.pk).exists()
    client.force_login(cast.analyst)
    page = client.get(reverse("classification:reclassification_list")).content.decode()
    assert "Mine only" in page
    response = client.post(reverse("classification:saved_filter_delete", args=[mine.pk]))
    assert response.status_code == 302
    assert not SavedFilter.objects.exists()


def test_saving_through_the_queue_page(client, cast):
    client.force_login(cast.hr)
    response = client.post(
        reverse("classification:saved_filter_create"),
        {"name": "Drafts", "query": "status=draft&page=2"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?status=draft")
    assert SavedFilter.objects.get(user=cast.hr).name == "Drafts"


# --- returning a departed analyst's requests -------------------------------------------------


@pytest.fixture
def departed(cast):
    analyst = analyst_user(username="departed-t")
    held = [reclassification_in("in_review", hr=cast.hr, assigned=analyst) for _ in range(3)]
    waiting = reclassification_in("info_requested", hr=cast.hr, assigned=analyst)
    other = reclassification_in("in_review", hr=cast.hr, assigned=cast.analyst)
    analyst.is_active = False
    analyst.save()
    return analyst, held, waiting, other


def test_supervisor_returns_all_in_review_requests_each_with_its_event(cast, departed):
    analyst, held, waiting, other = departed
    returned = services.return_analyst_reclassifications_to_queue(
        actor=cast.supervisor, analyst=analyst
    )
    assert sorted(r.pk for r in returned) == sorted(r.pk for r in held)
    for r in held:
        r.refresh_from_db()
        assert (r.status, r.assigned_to_id) == ("submitted", None)
        event = ReclassificationEvent.objects.filter(reclassification=r).latest("at", "pk")
        assert (event.action, event.actor_id) == ("return_to_queue", cast.supervisor.pk)
        assert str(analyst) in event.message
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.assigned_to_id == analyst.pk and waiting.status == "info_requested"
    assert other.assigned_to_id == cast.analyst.pk


def test_returning_is_all_or_nothing(cast, departed, monkeypatch):
    analyst, held, _waiting, _other = departed
    real = services.return_reclassification_to_queue
    calls = []

    def fail_on_second(**kwargs):
        calls.append(kwargs["reclassification_id"])
        if len(calls) == 2:
            raise services.ConflictError("boom")
        return real(**kwargs)

    monkeypatch.setattr(services.review, "return_reclassification_to_queue", fail_on_second)
    with pytest.raises(services.ConflictError):
        services.return_analyst_reclassifications_to_queue(actor=cast.supervisor, analyst=analyst)
    assert ReclassificationRequest.objects.filter(
        assigned_to=analyst, status="in_review"
    ).count() == len(held)
    assert not ReclassificationEvent.objects.filter(action="return_to_queue").exists()


@pytest.mark.parametrize("role", ["analyst", "hr"])
def test_only_a_supervisor_may_return_an_analysts_requests(cast, departed, role):
    with pytest.raises(Refused):
        services.return_analyst_reclassifications_to_queue(
            actor=getattr(cast, role), analyst=departed[0]
        )


def test_return_all_through_the_page(client, cast, departed):
    analyst = departed[0]
    client.force_login(cast.supervisor)
    page = client.get(reverse("classification:reassignment")).content.decode()
    assert f'data-testid="return-all-{analyst.pk}"' in page
    response = client.post(reverse("classification:return_analyst_requests", args=[analyst.pk]))
    assert response.status_code == 302
    assert not ReclassificationRequest.objects.filter(
        assigned_to=analyst, status="in_review"
    ).exists()
    client.force_login(cast.analyst)
    response = client.post(reverse("classification:return_analyst_requests", args=[analyst.pk]))
    assert response.status_code == 403
