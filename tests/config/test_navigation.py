"""The menu shows each role what it can use, and marks where the user is."""

import pytest

from tests.factories import analyst_user, hr_user

pytestmark = pytest.mark.django_db


def labels(items) -> set[str]:
    found = set()
    for item in items:
        found.add(str(item["label"]))
        found |= {str(c["label"]) for c in item.get("children", [])}
    return found


def test_agency_hr_sees_no_dcc_only_entries(client):
    client.force_login(hr_user("OMH"))
    items = client.get("/").context["nav_items"]
    assert {"Dashboard", "Requests", "Facilities", "People", "The standard"} <= labels(items)
    assert "Reverification" not in labels(items)
    assert "Turnaround" not in labels(items)


def test_analyst_sees_the_reverification_work_list(client):
    client.force_login(analyst_user())
    assert "Reverification" in labels(client.get("/").context["nav_items"])


def test_the_deepest_matching_entry_is_active(client):
    client.force_login(analyst_user())
    items = client.get("/standard/simulator/").context["nav_items"]
    standard_menu = next(i for i in items if str(i["label"]) == "Standard")
    assert standard_menu["active"]
    active = [str(c["label"]) for c in standard_menu["children"] if c["active"]]
    assert active == ["Allocation simulator"]
    assert not next(i for i in items if str(i["label"]) == "Dashboard")["active"]


def test_an_employee_sees_only_their_requests_and_positions(client):
    """The registry, people and reports are the agencies' and DCC's (decision 0015)."""
    from tests.factories import employee_user

    client.force_login(employee_user())
    found = labels(client.get("/").context["nav_items"])
    assert {"Dashboard", "Requests", "Positions"} <= found
    assert not {"Facilities", "People", "Drift", "Turnaround"} & found
