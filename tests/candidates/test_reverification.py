"""The reverification work list: what is due, most urgent first, and the bulk request."""

from datetime import timedelta

import pytest
from django.urls import reverse

from candidates.dates import today_in_new_york
from candidates.models import Credential
from candidates.selectors import credentials_due_for_reverification
from tests.candidates.factories import CredentialFactory, verify
from tests.factories import analyst_user, hr_user

pytestmark = pytest.mark.django_db
URL = "/people/reverification/"


@pytest.fixture
def analyst():
    return analyst_user()


@pytest.fixture
def due(analyst):
    today = today_in_new_york()
    fresh = CredentialFactory(person__family_name="Fresh")
    verify(fresh, analyst, on=today - timedelta(days=5))
    stale = CredentialFactory(person__family_name="Stale")
    verify(stale, analyst, on=today - timedelta(days=130))
    near = CredentialFactory(person__family_name="Near")
    verify(near, analyst, on=today - timedelta(days=110))  # stale in 11 days
    CredentialFactory(person__family_name="Never")
    expiring = CredentialFactory(
        person__family_name="Expiring", valid_through=today + timedelta(days=20)
    )
    verify(expiring, analyst, on=today - timedelta(days=3))
    revoked = CredentialFactory(person__family_name="Revoked")
    verify(revoked, analyst, on=today - timedelta(days=300), status="revoked")
    return today


def test_url_name():
    assert reverse("candidates:reverification") == URL


def test_most_urgent_first(analyst, due):
    rows = credentials_due_for_reverification(analyst, today=due)
    # Near goes stale in 11 days: not due yet (the issue: older than the setting, or expiring).
    assert [r.credential.person.family_name for r in rows] == ["Never", "Stale", "Expiring"]
    assert rows[0].due_on is None and rows[0].reasons == ("never",)
    assert rows[1].reasons == ("stale",)
    assert rows[2].due_on == due + timedelta(days=20)


def test_hr_gets_nothing(due):
    assert credentials_due_for_reverification(hr_user("OMH"), today=due) == []


def test_page_and_bulk_request(client, analyst, due):
    client.force_login(analyst)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Never" in page.text and "Fresh" not in page.text
    ids = [r.pk for r in credentials_due_for_reverification(analyst, today=due)[:2]]
    response = client.post(URL, {"selected": [str(i) for i in ids]}, follow=True)
    assert "Marked 2 credential(s)" in response.text
    marked = Credential.objects.filter(reverification_requested_on=due)
    assert set(marked.values_list("pk", flat=True)) == set(ids)
    again = client.post(URL, {"selected": [str(ids[0])]}, follow=True)
    assert "already marked" in again.text


def test_bulk_request_needs_a_selection(client, analyst, due):
    client.force_login(analyst)
    response = client.post(URL, {}, follow=True)
    assert "Select at least one credential" in response.text


def test_hr_cannot_post_the_bulk_action(client, due):
    client.force_login(hr_user("OMH"))
    pk = Credential.objects.first().pk
    assert client.post(URL, {"selected": [pk]}).status_code == 403
    assert not Credential.objects.filter(reverification_requested_on__isnull=False).exists()


def test_request_prefills_next_verification(client, analyst, due):
    client.force_login(analyst)
    credential = Credential.objects.get(person__family_name="Never")
    client.post(URL, {"selected": [credential.pk]})
    form = client.get(reverse("candidates:verification_create", args=[credential.pk])).context[
        "form"
    ]
    assert form.initial["requested_on"] == due
