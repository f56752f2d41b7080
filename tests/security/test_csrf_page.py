"""A form posted without a valid CSRF token (a page left open past a new sign-in) is refused
with a page that says what happened and what to do, not Django's page about DEBUG."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import analyst_user

pytestmark = pytest.mark.django_db


def test_an_expired_form_is_refused_in_plain_words():
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst_user(username="csrf-analyst"))
    response = client.post(
        reverse("classification:saved_filter_create"), {"name": "Overdue", "query": "tab=all"}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "This form has expired" in page and "Nothing was saved" in page
    assert "DEBUG" not in page and "CSRF" not in page
