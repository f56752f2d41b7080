"""The list tables whose body rows are built in Python (`FastBodyTable`) render the same
markup as django-tables2's own template, row for row and cell for cell."""

import re

import pytest
from django.urls import reverse

from facilities.models import User
from facilities.tables2_speedup import FastBodyTable

from .test_query_counts import seed, username

pytestmark = pytest.mark.django_db

STOCK = "django_tables2/bootstrap5-responsive.html"
PAGES = [
    ("classification:reclassification_list", "?tab=all"),
    ("classification:reclassification_list", "?tab=all&sort=-open_for&per_page=7&page=2"),
    ("classification:reclassification_list", "?tab=all&status=nothing-matches"),
    ("classification:position_list", ""),
    ("classification:position_list", "?sort=-title"),
    ("facilities:facility_list", ""),
    ("facilities:facility_list", "?sort=-individuals&per_page=3"),
    ("candidates:person_list", ""),
]


def normalise(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.mark.parametrize("role", ["analyst", "hr"])
def test_same_markup_as_the_stock_template(client, role):
    seed(5)
    client.force_login(User.objects.get(username=username(role)))
    for name, query in PAGES:
        response = client.get(reverse(name) + query)
        assert response.status_code == 200
        table = response.context["table"]
        assert isinstance(table, FastBodyTable)
        fast = normalise(table.as_html(response.wsgi_request))
        assert "<tbody" in fast and "<tr" in fast
        assert fast in normalise(response.content.decode())
        table.template_name = STOCK
        assert fast == normalise(table.as_html(response.wsgi_request)), (name, query)
