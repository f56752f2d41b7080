"""A form posted after the session ended (30 idle minutes) is not saved: the user signs in and
goes back to the page the form was on, told so, instead of landing on an address that only
takes a POST (an empty "405" page)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import analyst_user

pytestmark = pytest.mark.django_db

SAVE_FILTER = reverse("classification:saved_filter_create")
QUEUE = reverse("classification:reclassification_list")


def _next(url: str) -> str:
    """The `next` a sign-in redirect carries."""
    return parse_qs(urlsplit(url).query)["next"][0]


def test_a_form_posted_after_the_session_ended_signs_in_and_goes_back_to_its_page():
    analyst_user(username="idle-analyst")
    client = Client()
    response = client.post(
        SAVE_FILTER,
        {"name": "Overdue", "query": "tab=all"},
        headers={"referer": f"http://testserver{QUEUE}?tab=all"},
    )
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("login")
    assert _next(response.url) == f"{QUEUE}?tab=all"

    page = client.get(response.url).content.decode()
    assert "what you sent was not saved" in page

    signed_in = client.post(
        response.url, {"username": "idle-analyst", "password": "pw"}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] == f"{QUEUE}?tab=all"
    assert signed_in.status_code == 200


@pytest.mark.parametrize(
    "referer",
    [
        "https://elsewhere.example/phish",
        "http://testserver//elsewhere.example/phish",
        "http://testserver/\\elsewhere.example/phish",
        "javascript:alert(1)",
    ],
)
def test_a_referer_from_another_site_leads_home_after_sign_in(referer):
    response = Client().post(SAVE_FILTER, {"name": "x"}, headers={"referer": referer})
    assert _next(response.url) == reverse("dashboard")


def test_a_post_without_a_referer_leads_home_after_sign_in():
    response = Client().post(SAVE_FILTER, {"name": "x"})
    assert _next(response.url) == reverse("dashboard")


def test_an_htmx_fragment_sends_the_whole_page_to_sign_in():
    response = Client().get(
        reverse("classification:position_search"),
        {"q": "12"},
        headers={
            "hx-request": "true",
            "hx-current-url": "http://testserver/requests/new/?agency=1",
        },
    )
    assert response.status_code == 401
    assert response.content == b""
    assert urlsplit(response["HX-Redirect"]).path == reverse("login")
    assert _next(response["HX-Redirect"]) == "/requests/new/?agency=1"


def test_a_page_asked_for_while_signed_out_returns_to_itself_as_before():
    client = Client()
    response = client.get(f"{QUEUE}?tab=all")
    assert response.status_code == 302
    assert _next(response.url) == f"{QUEUE}?tab=all"
    assert "not saved" not in client.get(response.url).content.decode()
