"""The request page's analysis shows the incumbent's evaluation for the proposed title."""

from datetime import timedelta

import pytest

from candidates.dates import today_in_new_york
from candidates.selectors import evaluation_for
from tests.candidates.factories import (
    CredentialFactory,
    ExperienceSpellFactory,
    PersonFactory,
    verify,
)
from tests.factories import analyst_user, hr_user

from .factories import PositionFactory, reclassification_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    hr = hr_user("OMH")
    analyst = analyst_user()
    person = PersonFactory(agency=hr.agency)
    credential = CredentialFactory(person=person, kind="RHIT")
    ExperienceSpellFactory(person=person)  # full time since 2020: years of post-RHIT experience
    position = PositionFactory(facility__agency=hr.agency, incumbent=person)
    r = reclassification_in("submitted", hr=hr, position=position)
    return hr, analyst, person, credential, r


def test_unverified_incumbent_is_called_out(client, scene):
    _hr, analyst, person, _credential, r = scene
    client.force_login(analyst)
    page = client.get(r.get_absolute_url()).text
    expected = evaluation_for(person, r.proposed_title.code, today_in_new_york())
    assert expected.outcome == "unverified"
    assert 'data-testid="incumbent-evaluation"' in page
    assert 'data-testid="verification-warning"' in page
    assert "never been verified" in page


def test_verified_incumbent_is_qualified_on_the_page(client, scene):
    hr, analyst, person, credential, r = scene
    verify(credential, analyst, on=today_in_new_york() - timedelta(days=3))
    client.force_login(hr)
    page = client.get(r.get_absolute_url()).text
    assert evaluation_for(person, r.proposed_title.code, today_in_new_york()).outcome == "qualified"
    assert 'data-testid="incumbent-evaluation"' in page
    assert 'data-testid="verification-warning"' not in page
    assert "Qualified" in page


def test_vacant_position_says_so(client):
    hr = hr_user("OMH")
    r = reclassification_in("submitted", hr=hr)
    client.force_login(hr)
    assert "no incumbent on record" in client.get(r.get_absolute_url()).text
