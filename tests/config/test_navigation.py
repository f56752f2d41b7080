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


def _links(items) -> list[tuple[str, str]]:
    found = []
    for item in items:
        if "url" in item:
            found.append((str(item["label"]), item["url"]))
        found += [(str(c["label"]), c["url"]) for c in item.get("children", [])]
    return found


def _administrator():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(
        username="admin-nav", email="admin@example.ny.gov", password="pw"
    )


@pytest.mark.parametrize("role", ["hr", "employee", "analyst", "supervisor", "admin"])
def test_every_navigation_link_opens_for_its_role(client, role):
    """No menu entry leads a role to a 403 (or anywhere but a page): each answers 200."""
    from tests.factories import employee_user, supervisor_user

    user = {
        "hr": lambda: hr_user("OMH"),
        "employee": employee_user,
        "analyst": analyst_user,
        "supervisor": supervisor_user,
        "admin": _administrator,
    }[role]()
    client.force_login(user)
    # The standard page carries the menu for every role (the admin's dashboard is the admin).
    links = _links(client.get("/standard/").context["nav_items"])
    assert links
    for label, url in links:
        assert client.get(url).status_code == 200, (role, label, url)


def test_the_administrator_lands_on_the_admin_and_sees_no_case_pages(client):
    client.force_login(_administrator())
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    menu = {label for label, _url in _links(client.get("/standard/").context["nav_items"])}
    assert "Administration" in menu
    assert not menu & {"Dashboard", "Requests", "Positions", "Facilities", "People", "Drift"}


def test_agency_hr_has_a_new_request_entry(client):
    client.force_login(hr_user("OMH"))
    assert ("New request", "/requests/new/") in _links(client.get("/").context["nav_items"])
