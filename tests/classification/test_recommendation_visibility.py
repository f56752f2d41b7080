"""Who in the agency sees the analyst's recommendation before the decision: nobody.

DCC staff read it at every stage; the agency's HR sees that a recommendation waits on a
supervisor, not what it says, until the request is decided
(docs/decisions/0020-recommendation-visibility.md)."""

import pytest
from django.urls import reverse

from classification import selectors, services
from classification.models import ReclassificationRequest
from classification.standard import ADMINISTRATOR_1

from .factories import reclassification_in, title

pytestmark = pytest.mark.django_db

RATIONALE = "Zz the duties read as an Administrator 1 program."


@pytest.fixture
def recommended(cast):
    """In review, then recommended through the service (its event carries the rationale), to
    approve as another title than the one proposed."""
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.analyst)
    return services.recommend_reclassification(
        actor=cast.analyst,
        reclassification_id=r.pk,
        expected_version=r.version,
        recommendation="approve",
        recommended_title=title(ADMINISTRATOR_1),
        rationale=RATIONALE,
    )


def page(client, user, r) -> str:
    client.force_login(user)
    response = client.get(reverse("classification:reclassification_detail", args=[r.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_agency_hr_sees_a_pending_recommendation_but_not_what_it_says(client, cast, recommended):
    html = page(client, cast.hr, recommended)
    assert 'data-testid="recommendation-pending"' in html
    assert RATIONALE not in html  # neither in the facts nor in the timeline
    assert "Administrator 1" not in html  # the recommended title, the page's other titles aside
    assert not selectors.recommendation_visible_to(cast.hr, recommended)


@pytest.mark.parametrize("role", ["analyst", "supervisor"])
def test_dcc_staff_read_the_recommendation_before_the_decision(client, cast, recommended, role):
    html = page(client, getattr(cast, role), recommended)
    assert RATIONALE in html and "Administrator 1" in html
    assert 'data-testid="recommendation-pending"' not in html


def test_after_the_decision_the_agency_reads_it(client, cast, recommended, fast_letter):
    decided = services.approve_reclassification(
        actor=cast.supervisor,
        reclassification_id=recommended.pk,
        expected_version=recommended.version,
    )
    assert decided.status == "approved"
    html = page(client, cast.hr, decided)
    assert RATIONALE in html
    assert selectors.recommendation_visible_to(cast.hr, decided)


def test_a_returned_recommendation_stays_internal(client, cast, recommended):
    """The supervisor's reason for returning it is DCC's too; the agency sees the step only."""
    returned = services.return_reclassification_to_analyst(
        actor=cast.supervisor,
        reclassification_id=recommended.pk,
        expected_version=recommended.version,
        message="Zz look again at the counts.",
    )
    html = page(client, cast.hr, ReclassificationRequest.objects.get(pk=returned.pk))
    assert "Zz look again" not in html and RATIONALE not in html
    assert "Zz look again" in page(client, cast.analyst, returned)
