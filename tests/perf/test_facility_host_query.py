"""A co-located facility's page shows its host by name without a query of its own."""

import pytest
from django.urls import reverse

from facilities.models import Facility, User

from .test_query_counts import PAGES, busiest_facility, seed, username

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["hr", "analyst"])
def test_host_facility_costs_no_query(client, django_assert_num_queries, role):
    seed(5)
    pk = busiest_facility()
    facility = Facility.objects.get(pk=pk)
    host = Facility.objects.filter(agency_id=facility.agency_id).exclude(pk=pk).first()
    Facility.objects.filter(pk=pk).update(host_facility=host)
    client.force_login(User.objects.get(username=username(role)))
    url = reverse("facilities:facility_detail", args=[pk])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(PAGES["facility"][1][role]):
        response = client.get(url)
    assert host.name in response.content.decode()
