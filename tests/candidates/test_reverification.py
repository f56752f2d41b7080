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
    assert "Marked 2 credentials as verification requested." in response.text
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


def _message(response) -> tuple[str, str]:
    (message,) = list(response.context["messages"])
    return message.level_tag, message.message


def test_bulk_request_counts_only_what_it_changed(client, analyst, due):
    """An id that is not a credential (removed, or never one) is neither "marked" nor "already
    marked": the message counts only the credential it changed, and says what it could not."""
    client.force_login(analyst)
    never = Credential.objects.get(person__family_name="Never")
    missing = Credential.objects.order_by("-pk").first().pk + 1000
    response = client.post(URL, {"selected": [str(never.pk), str(missing)]}, follow=True)
    level, text = _message(response)
    assert "already marked" not in text
    assert "1 could not be found" in text
    assert level == "success"
    assert text.startswith("Marked 1 credential as verification requested.")
    assert list(Credential.objects.filter(reverification_requested_on=due)) == [never]


def test_bulk_request_of_the_same_id_twice_marks_it_once(client, analyst, due):
    """One credential sent twice (a double-submitted form) is one credential, not one marked
    and one "already marked"."""
    client.force_login(analyst)
    never = Credential.objects.get(person__family_name="Never")
    response = client.post(URL, {"selected": [str(never.pk), str(never.pk)]}, follow=True)
    level, text = _message(response)
    assert "already marked" not in text
    assert (level, text) == ("success", "Marked 1 credential as verification requested.")


@pytest.mark.parametrize("already", [False, True])
def test_bulk_request_that_changes_nothing_says_so(client, analyst, due, already):
    """None of the chosen could be changed (gone, or already marked): an error that says so,
    never "Marked 0"."""
    client.force_login(analyst)
    if already:
        chosen = Credential.objects.get(person__family_name="Never")
        client.post(URL, {"selected": [str(chosen.pk)]}, follow=True)  # its message read
        pk = chosen.pk
    else:
        pk = Credential.objects.order_by("-pk").first().pk + 1000
    response = client.post(URL, {"selected": [str(pk)]}, follow=True)
    level, text = _message(response)
    assert "Marked" not in text
    assert level == "error"
    assert text.startswith("None of the chosen credentials could be marked")
    if already:
        assert "1 was already marked and keeps its earlier date." in text
    else:
        assert "1 could not be found" in text and "already marked" not in text


def test_bulk_request_service_counts_each_outcome(analyst, due):
    """The service's own account: newly marked, already marked, not found."""
    from candidates import services

    never = Credential.objects.get(person__family_name="Never")
    stale = Credential.objects.get(person__family_name="Stale")
    services.request_reverification(actor=analyst, credential_ids=[stale.pk])
    missing = Credential.objects.order_by("-pk").first().pk + 1000
    done = services.request_reverification(
        actor=analyst, credential_ids=[never.pk, stale.pk, missing, never.pk]
    )
    assert done == services.ReverificationRequested(marked=1, already_marked=1, not_found=1)
