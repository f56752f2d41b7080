"""The Delegations page: who sees it, and what a supervisor reads when a rule says no."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from facilities.models import Delegation, DelegationEvent
from facilities.services.delegations import create_delegation
from tests.factories import UserFactory, analyst_user, hr_user, supervisor_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    class People:
        supervisor = supervisor_user(username="sup-v", first_name="Sam", last_name="Supervisor")
        analyst = analyst_user(username="ana-v", first_name="Jordan", last_name="Analyst")
        analyst2 = analyst_user(username="ana2-v", first_name="Alex", last_name="Analyst")
        admin = UserFactory(username="admin-v", is_superuser=True, is_staff=True)

    return People


def form(people, **kw):
    today = timezone.localdate()
    return {
        "kind": "acting_supervisor",
        "delegator": people.supervisor.pk,
        "delegate": people.analyst.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=2)).isoformat(),
        "note": "Annual leave",
        **kw,
    }


@pytest.mark.parametrize(
    ("who", "status"), [("supervisor", 200), ("admin", 200), ("analyst", 403), ("hr", 403)]
)
def test_who_sees_the_page(client, people, who, status):
    user = hr_user("OMH", username="hr-v") if who == "hr" else getattr(people, who)
    client.force_login(user)
    assert client.get(reverse("delegations:delegation_list")).status_code == status


def test_an_acting_supervisor_gets_no_delegations_page(client, people):
    """Delegated authority is never handed on: the delegate is not a supervisor."""
    create_delegation(
        actor=people.supervisor,
        kind="acting_supervisor",
        delegator=people.supervisor,
        delegate=people.analyst,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    client.force_login(people.analyst)
    assert client.get(reverse("delegations:delegation_create")).status_code == 403


def test_name_list_and_end_early_through_the_pages(client, people):
    client.force_login(people.supervisor)
    response = client.post(reverse("delegations:delegation_create"), form(people))
    assert response.status_code == 302
    page = client.get(reverse("delegations:delegation_list")).content.decode()
    current = page.split('data-testid="delegations-current"')[1].split("</table>")[0]
    assert "Jordan Analyst" in current and "Annual leave" in current
    d = Delegation.objects.get()
    response = client.post(reverse("delegations:delegation_end", args=[d.pk]), {"version": 1})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.ended_by == people.supervisor
    page = client.get(reverse("delegations:delegation_list")).content.decode()
    assert "Jordan Analyst" in page.split('data-testid="delegations-past"')[1]
    history = client.get(reverse("delegations:delegation_update", args=[d.pk])).content.decode()
    assert "Ended early by Sam Supervisor" in history
    assert DelegationEvent.objects.filter(delegation=d).count() == 2


def test_an_overlap_is_a_sentence_on_the_form(client, people):
    client.force_login(people.supervisor)
    client.post(reverse("delegations:delegation_create"), form(people))
    response = client.post(
        reverse("delegations:delegation_create"), form(people, delegate=people.analyst2.pk)
    )
    assert response.status_code == 400
    assert "already has someone acting for them on some of these days" in response.content.decode()
    assert Delegation.objects.count() == 1


def test_self_delegation_is_a_sentence_on_the_form(client, people):
    client.force_login(people.supervisor)
    response = client.post(
        reverse("delegations:delegation_create"), form(people, delegate=people.supervisor.pk)
    )
    assert response.status_code == 400
    assert "Nobody can act for themselves" in response.content.decode()


def test_a_supervisor_cannot_name_another_supervisors_acting_supervisor(client, people):
    other = supervisor_user(username="sup2-v")
    client.force_login(people.supervisor)
    response = client.post(
        reverse("delegations:delegation_create"), form(people, delegator=other.pk)
    )
    assert response.status_code == 400
    assert not Delegation.objects.exists()


def test_another_supervisor_may_read_but_not_end_my_acting_supervisor(client, people):
    d = create_delegation(
        actor=people.supervisor,
        kind="acting_supervisor",
        delegator=people.supervisor,
        delegate=people.analyst,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    client.force_login(supervisor_user(username="sup3-v"))
    page = client.get(reverse("delegations:delegation_update", args=[d.pk]))
    assert page.status_code == 200 and "End now" not in page.content.decode()
    url = reverse("delegations:delegation_end", args=[d.pk])
    assert client.post(url, {"version": 1}).status_code == 403
    d.refresh_from_db()
    assert d.ended_at is None


def test_the_confirmation_writes_dates_as_the_pages_do(client, people):
    """The message after naming someone: "Mar 10, 2026", never "2026-03-10"."""
    from django.utils.formats import date_format

    today = timezone.localdate()
    client.force_login(people.supervisor)
    page = client.post(reverse("delegations:delegation_create"), form(people), follow=True)
    said = [str(m) for m in page.context["messages"]]
    assert said == [
        f"Jordan Analyst will act for Sam Supervisor from {date_format(today)} to "
        f"{date_format(today + timedelta(days=2))}."
    ]
    assert today.isoformat() not in said[0]


def test_an_overlap_on_the_form_writes_dates_as_the_pages_do(client, people):
    from django.utils.formats import date_format

    today = timezone.localdate()
    client.force_login(people.supervisor)
    client.post(reverse("delegations:delegation_create"), form(people))
    page = client.post(
        reverse("delegations:delegation_create"), form(people, delegate=people.analyst2.pk)
    )
    html = page.content.decode()
    assert f"({date_format(today)} to {date_format(today + timedelta(days=2))})" in html
    assert today.isoformat() + " to" not in html


@pytest.mark.parametrize("days_after_a_year", [1, 3650])
def test_a_last_day_more_than_a_year_on_is_refused_at_the_field(client, people, days_after_a_year):
    """The form says it beside the last day, naming the latest allowed in the site's format;
    nothing is saved."""
    from django.utils.formats import date_format

    from facilities.forms import DelegationForm
    from facilities.models.delegations import latest_last_day

    today = timezone.localdate()
    latest = latest_last_day(today)
    too_late = (latest + timedelta(days=days_after_a_year)).isoformat()
    expected = (
        f"A delegation can last a year at most: choose {date_format(latest)} or earlier as "
        "the last day."
    )
    bound = DelegationForm(form(people, ends_on=too_late))
    assert not bound.is_valid()
    assert bound.errors == {"ends_on": [expected]}
    assert DelegationForm(form(people, ends_on=latest.isoformat())).is_valid()
    client.force_login(people.supervisor)
    page = client.post(reverse("delegations:delegation_create"), form(people, ends_on=too_late))
    assert page.status_code == 400
    assert page.context["form"].errors == {"ends_on": [expected]}
    assert not Delegation.objects.exists()
