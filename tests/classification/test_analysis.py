"""The request page's analysis answers the request's question, verdict first.

A Technician 1 → 2 request turns on supervision (the standard's Technician 2 distinction), not
on the facility's chief level; an Administrator request on the level the standard warrants for
the facility. The reasons are the checks' and the allocation rules' own."""

import html
import re

import pytest
from django.urls import reverse

from classification.allocation import allocate
from classification.models import ReclassificationRequest
from classification.standard import ADMINISTRATOR_1, ADMINISTRATOR_2, ADMINISTRATOR_3, TECHNICIAN_1
from classification.templatetags.plain import plain

from .factories import PositionFactory, reclassification_in, title

pytestmark = pytest.mark.django_db


def analysis(client, user, r) -> str:
    client.force_login(user)
    page = client.get(reverse("classification:reclassification_detail", args=[r.pk]))
    text = page.content.decode()
    return text[text.index('id="h-analysis"') : text.index('id="h-timeline"')]


def verdict(section: str) -> str:
    return re.search(r'data-testid="verdict"[^>]*><strong>(.*?)</strong>', section, re.S)[1]


def test_technician_2_request_shows_supervision_not_the_chief_level(client, cast):
    r = reclassification_in("submitted", hr=cast.hr)  # Technician 1 → 2, nobody reports to it
    section = analysis(client, cast.analyst, r)
    assert verdict(section).startswith("The proposed title does not fit the position yet")
    assert "No Technician 1 position reports to this position" in section
    assert "Technicians 1, 0" in section  # what the request says it supervises
    assert "first supervisory level" in section  # the standard's Technician 2 words
    assert "Level the standard warrants" not in section
    assert "Administrator 3" not in section  # the facility's chief level is not the question
    assert section.index('data-testid="verdict"') < section.index("Supervision")


def test_technician_2_with_technicians_reporting_fits(client, cast):
    r = reclassification_in("submitted", hr=cast.hr)
    PositionFactory(facility=r.position.facility, reports_to=r.position, title=title(TECHNICIAN_1))
    section = analysis(client, cast.analyst, r)
    assert verdict(section).startswith("The proposed title fits the position")
    assert "1 Technician 1 position(s) report to this position." in section


@pytest.mark.parametrize(("proposed", "fits"), [(ADMINISTRATOR_3, True), (ADMINISTRATOR_2, False)])
def test_administrator_request_shows_the_facilitys_warranted_level(client, cast, proposed, fits):
    """An adult psychiatric center warrants Administrator 3: the verdict says whether the
    proposed level is it, and the allocation's own reasons follow."""
    position = PositionFactory(facility__agency=cast.hr.agency, title=title(ADMINISTRATOR_1))
    r = reclassification_in("submitted", hr=cast.hr, position=position)
    ReclassificationRequest.objects.filter(pk=r.pk).update(proposed_title=title(proposed))
    section = analysis(client, cast.analyst, r)
    said = verdict(section)
    if fits:
        assert said.startswith("The proposed title fits the position")
    else:
        assert said.startswith("The proposed title does not fit the position because")
        assert "Administrator 3, not Administrator 2" in said
    assert "Level the standard warrants for" in section
    expected = allocate(
        position.facility.facility_type, individuals_served=None, records_activities=None
    )
    for reason in expected.reasons:
        assert str(plain(reason)) in section


@pytest.mark.parametrize(
    ("chief_level", "fits"),
    [(ADMINISTRATOR_3, True), (ADMINISTRATOR_2, False), (ADMINISTRATOR_1, False)],
)
def test_administrator_1_beside_a_chief_is_judged_as_the_assistant(client, cast, chief_level, fits):
    """An Administrator 1 asked for a position that is not the facility's chief answers the
    assistant clause: it fits only beside an Administrator 3. The verdict says that, and never
    "warrants Administrator 1, not Administrator 1" (demo request 12 once did)."""
    position = PositionFactory(facility__agency=cast.hr.agency)
    chief = PositionFactory(facility=position.facility, title=title(chief_level))
    r = reclassification_in("submitted", hr=cast.hr, position=position)
    ReclassificationRequest.objects.filter(pk=r.pk).update(proposed_title=title(ADMINISTRATOR_1))
    said = html.unescape(verdict(analysis(client, cast.analyst, r)))
    if fits:
        assert said.startswith("The proposed title fits the position: an Administrator 1 may")
    else:
        assert said == (
            "The proposed title does not fit the position: an Administrator 1 may serve as "
            "assistant to an Administrator 3 only in a facility whose chief is an "
            f"Administrator 3; this facility's chief, {chief.item_number}, is an "
            f"{title(chief_level).short_name}."
        )
    assert "not Administrator" not in said
