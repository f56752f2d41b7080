"""The queue's paginator takes its count from the tab's badge only when that is the number
of rows the page lists: an unfiltered tab whose badge counts the same condition."""

import pytest
from django.urls import reverse

from facilities.models import User

from .test_query_counts import seed

pytestmark = pytest.mark.django_db
QUEUE = "classification:reclassification_list"


@pytest.mark.parametrize(
    "query",
    [
        "?tab=all",
        "?tab=all&sort=-open_for&page=2&per_page=3",
        "?tab=unassigned",
        "?tab=mine",
        "?tab=awaiting",
        "?tab=all&status=approved",
        "?tab=all&overdue=false",
        "?tab=all&status=not-a-status",
        "?tab=all&q=BULK",
    ],
)
@pytest.mark.parametrize("username", ["bulk-analyst-0", "bulk-supervisor-0"])
def test_paginator_count_is_the_number_of_rows(client, query, username):
    seed(5)
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse(QUEUE) + query)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.count == len(list(table.data.data))
    if query == "?tab=all":
        assert table.paginator.count == response.context["tab_counts"]["all"] > 0
