"""The approved title everywhere (issue 14): once the analyst recommends another title than the
agency proposed, every place that speaks of the outcome names it: the supervisors' "awaits your
decision" email, the agency's "approved" email, the request's header, the queue and its CSV and
XLSX exports (with an "Approved title" column)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from classification import services
from classification.models import EmailLog
from classification.standard import ADMINISTRATOR_1, ADMINISTRATOR_2, TECHNICIAN_2

from .factories import PositionFactory, reclassification_in, title

A1 = "Health Information Management Administrator 1"
A2 = "Health Information Management Administrator 2"


@pytest.fixture
def approved_as_another(cast, fast_letter, django_capture_on_commit_callbacks):
    """Technician 2 → proposed Administrator 2, recommended and approved as Administrator 1."""
    position = PositionFactory(facility__agency=cast.hr.agency, title=title(TECHNICIAN_2))
    r = reclassification_in("in_review", hr=cast.hr, position=position, assigned=cast.assigned)
    type(r).objects.filter(pk=r.pk).update(proposed_title=title(ADMINISTRATOR_2))
    with django_capture_on_commit_callbacks(execute=True):
        r = services.recommend_reclassification(
            actor=cast.assigned,
            reclassification_id=r.pk,
            expected_version=r.version,
            recommendation="approve",
            rationale="The counts fit Administrator 1.",
            recommended_title=title(ADMINISTRATOR_1),
        )
    # The emails as queued for the worker (decision 0019): subject and body as they are sent.
    awaiting = list(EmailLog.objects.filter(subject__contains="awaits your decision"))
    with django_capture_on_commit_callbacks(execute=True):
        r = services.approve_reclassification(
            actor=cast.supervisor, reclassification_id=r.pk, expected_version=r.version
        )
    approved = list(EmailLog.objects.filter(subject__endswith="approved"))
    return r, awaiting, approved


def test_the_outcome_title_is_the_recommended_one(approved_as_another):
    r, _awaiting, _approved = approved_as_another
    assert r.outcome_title.code == ADMINISTRATOR_1
    assert r.outcome_differs
    r.position.refresh_from_db()
    assert r.position.title_changes.get().to_title.code == ADMINISTRATOR_1


def test_emails_name_the_recommended_and_approved_title(approved_as_another):
    """Both emails say where the position goes (Administrator 1), and that the agency proposed
    Administrator 2; neither says the position goes to Administrator 2."""
    _r, awaiting, approved = approved_as_another
    assert awaiting and approved
    for message in (*awaiting, *approved):
        assert f"→ {A1}" in message.body, message.body
        assert f"→ {A2}" not in message.body
        assert f"proposed: {A2}" in message.body


def test_header_queue_and_exports_name_the_approved_title(client, cast, approved_as_another):
    r, _awaiting, _approved = approved_as_another
    client.force_login(cast.supervisor)
    page = client.get(r.get_absolute_url()).content.decode()
    header = page.split('data-testid="status"')[0].rsplit("<h1", 1)[1]
    assert "→ <strong>Administrator 1</strong>" in header
    assert "proposed Administrator 2" in header

    queue = client.get(reverse("classification:reclassification_list") + "?tab=all")
    row = next(line for line in queue.content.decode().split("<tr") if f">{r.pk}</a>" in line)
    assert "<strong>Administrator 1</strong>" in row and "proposed Administrator 2" in row

    url = reverse("classification:reclassification_list") + "?tab=all&_export="
    rows = list(
        csv.reader(
            io.StringIO(b"".join(client.get(url + "csv").streaming_content).decode("utf-8-sig"))
        )
    )
    header_row, line = rows[0], next(x for x in rows if x[0] == str(r.pk))
    assert header_row[5:7] == ["Proposed title", "Approved title"]
    assert line[5:7] == [A2, A1]
    sheet = load_workbook(io.BytesIO(client.get(url + "xlsx").content)).active
    values = list(sheet.values)
    assert list(values[0][5:7]) == ["Proposed title", "Approved title"]
    assert next(v for v in values if str(v[0]) == str(r.pk))[5:7] == (A2, A1)


def test_an_open_or_denied_request_has_no_approved_title(client, cast):
    reclassification_in("submitted", hr=cast.hr)
    client.force_login(cast.supervisor)
    url = reverse("classification:reclassification_list") + "?tab=all&_export=csv"
    rows = list(
        csv.reader(io.StringIO(b"".join(client.get(url).streaming_content).decode("utf-8-sig")))
    )
    assert rows[1][6] == ""
