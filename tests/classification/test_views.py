"""Pages: scoping (another agency's objects are 404), actions through real URLs, exports,
query counts on the queue, attachments served privately, and the decision letter."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from classification.models import ReclassificationRequest
from tests.downloads import csv_rows, download_text
from tests.factories import committed

from .factories import PDF, PositionFactory, reclassification_in, title


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def decided(cast, fast_letter):
    from classification import services

    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    return committed(  # the letter is stored after the commit
        services.approve_reclassification,
        actor=cast.supervisor,
        reclassification_id=r.pk,
        expected_version=r.version,
    )


def test_other_agency_gets_404_everywhere(client, cast, decided):
    r = decided
    attachment = r.attachments.get()
    login(client, cast.hr_other)
    urls = [
        reverse("classification:reclassification_detail", args=[r.pk]),
        reverse("classification:reclassification_transition", args=[r.pk, "withdraw"]),
        reverse("classification:attachment_download", args=[r.pk, attachment.pk]),
        reverse("classification:decision_letter", args=[r.pk]),
        reverse("classification:position_detail", args=[r.position_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("classification:attachment_create", args=[r.pk]),
        {"kind": "other", "file": io.BytesIO(PDF)},
    )
    assert response.status_code == 404
    queue = client.get(reverse("classification:reclassification_list"))
    assert r.position.item_number not in queue.content.decode()
    positions = client.get(reverse("classification:position_list"))
    assert r.position.item_number not in positions.content.decode()


def test_own_agency_and_dcc_staff_see_the_case(client, cast, decided):
    for user in (cast.hr, cast.analyst, cast.supervisor):
        login(client, user)
        page = client.get(decided.get_absolute_url())
        assert page.status_code == 200
        assert decided.position.item_number in page.content.decode()
        letter = client.get(reverse("classification:decision_letter", args=[decided.pk]))
        assert letter.status_code == 200
        assert letter["Content-Disposition"].startswith("attachment")
        assert letter["X-Content-Type-Options"] == "nosniff"
        assert b"".join(letter.streaming_content).startswith(b"%PDF")


def test_the_letters_hash_is_for_the_admin_not_the_request_page(client, cast, decided):
    """Plain language: the request page names no SHA-256; the admin (auditors) shows it."""
    from tests.factories import UserFactory

    assert len(decided.letter_sha256) == 64
    login(client, cast.supervisor)
    page = client.get(decided.get_absolute_url()).content.decode()
    assert decided.letter_sha256 not in page and "SHA-256" not in page
    login(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    admin = client.get(
        reverse("admin:classification_reclassificationrequest_change", args=[decided.pk])
    )
    assert decided.letter_sha256 in admin.content.decode()


def test_drafts_stay_with_the_agency(client, cast):
    r = reclassification_in("draft", hr=cast.hr)
    login(client, cast.analyst)
    assert client.get(r.get_absolute_url()).status_code == 404
    login(client, cast.hr)
    assert client.get(r.get_absolute_url()).status_code == 200


def test_detail_shows_only_the_users_actions(client, cast):
    r = reclassification_in("submitted", hr=cast.hr)
    login(client, cast.analyst)
    html = client.get(r.get_absolute_url()).content.decode()
    assert 'data-testid="action-take"' in html
    assert 'data-testid="action-assign"' not in html
    assert 'data-testid="action-withdraw"' not in html
    login(client, cast.hr)
    html = client.get(r.get_absolute_url()).content.decode()
    assert 'data-testid="action-withdraw"' in html
    assert 'data-testid="action-take"' not in html


def test_double_post_changes_nothing_the_second_time(client, cast):
    r = reclassification_in("submitted", hr=cast.hr)
    login(client, cast.analyst)
    url = reverse("classification:reclassification_transition", args=[r.pk, "take"])
    first = client.post(url, {"version": r.version}, follow=True)
    second = client.post(url, {"version": r.version}, follow=True)
    assert "Done" in first.content.decode()
    assert "changed since you opened it" in second.content.decode()
    r.refresh_from_db()
    assert r.version == 2 and r.events.filter(action="take").count() == 1


def test_refused_action_by_url_is_explained_not_done(client, cast):
    r = reclassification_in("submitted", hr=cast.hr)
    login(client, cast.hr)
    url = reverse("classification:reclassification_transition", args=[r.pk, "take"])
    page = client.post(url, {"version": r.version}, follow=True)
    assert "Only the" in page.content.decode()
    r.refresh_from_db()
    assert r.status == "submitted"


def test_hr_creates_a_draft_once_and_sees_the_warranted_level(client, cast):
    position = PositionFactory(facility__agency=cast.hr.agency)
    login(client, cast.hr)
    form = client.get(reverse("classification:reclassification_create"))
    token = form.context["form"]["creation_token"].value()
    fragment = client.get(
        reverse("classification:warranted_fragment"), {"position": position.pk}
    ).content.decode()
    assert "Administrator 3" in fragment
    data = {
        "position": position.pk,
        "proposed_title": title("3616120").pk,
        "creation_token": token,
        "justification": "More work.",
        "technicians_1_supervised": 2,
        "technicians_2_supervised": 0,
        "clerical_supervised": 0,
        "duty_0": "Supervise",
        "duty_0_percent": 100,
    }
    url = reverse("classification:reclassification_create")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    r = ReclassificationRequest.objects.get(position=position)
    assert r.status == "draft" and [d.percent for d in r.duties.all()] == [100]
    login(client, cast.analyst)
    assert client.get(url).status_code == 403


def test_warranted_fragment_is_scoped(client, cast):
    position = PositionFactory(facility__agency=cast.hr.agency)
    login(client, cast.hr_other)
    page = client.get(reverse("classification:warranted_fragment"), {"position": position.pk})
    assert position.facility.name not in page.content.decode()


def _queue(n, cast):
    for _i in range(n):
        reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)


@pytest.mark.parametrize("user", ["hr", "analyst", "supervisor"])
def test_queue_query_count_does_not_grow(client, cast, django_assert_num_queries, user):
    login(client, getattr(cast, user))
    url = reverse("classification:reclassification_list") + "?tab=all"
    _queue(5, cast)
    client.get(url)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    _queue(45, cast)
    with django_assert_num_queries(len(five)):
        page = client.get(url)
    assert page.context["table"].page.paginator.count == 50


def test_overdue_stands_out_and_filters(client, cast):
    from datetime import timedelta

    r = reclassification_in("submitted", hr=cast.hr)
    ReclassificationRequest.objects.filter(pk=r.pk).update(
        submitted_on=r.submitted_on - timedelta(days=40)
    )
    fresh = reclassification_in("submitted", hr=cast.hr)
    login(client, cast.analyst)
    url = reverse("classification:reclassification_list")
    page = client.get(url, {"tab": "all", "overdue": "true"}).content.decode()
    assert r.position.item_number in page and fresh.position.item_number not in page
    assert re.search(r'<tr [^>]*class="[^"]*\boverdue\b', page) and "Overdue" in page


def test_exports_escape_formulas(client, cast):
    position = PositionFactory(facility__agency=cast.hr.agency, facility__name="=HYPERLINK(1)")
    reclassification_in("submitted", hr=cast.hr, position=position)
    login(client, cast.analyst)
    url = reverse("classification:reclassification_list")
    response = client.get(url, {"tab": "all", "_export": "csv"})
    rows = csv_rows(response)
    assert rows[1][2] == "'=HYPERLINK(1)"
    response = client.get(url, {"tab": "all", "_export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=3).value == "'=HYPERLINK(1)"
    positions = client.get(reverse("classification:position_list"), {"_export": "csv"})
    assert "'=HYPERLINK(1)" in download_text(positions)


def test_position_pages(client, cast, decided):
    login(client, cast.hr)
    page = client.get(reverse("classification:position_detail", args=[decided.position_id]))
    html = page.content.decode()
    assert "Technician 2" in html and str(decided.pk) in html
    listing = client.get(
        reverse("classification:position_list"), {"q": decided.position.item_number}
    )
    assert decided.position.item_number in listing.content.decode()


def test_anonymous_is_sent_to_sign_in(client, cast):
    r = reclassification_in("submitted", hr=cast.hr)
    for url in (reverse("classification:reclassification_list"), r.get_absolute_url()):
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_position_selectors_for_other_apps(cast):
    from classification.selectors import chief_position, positions_for_facility
    from tests.factories import FacilityFactory

    facility = FacilityFactory(agency=cast.hr.agency)
    chief = PositionFactory(facility=facility, title=title("3616520"), item_number="C-1")
    PositionFactory(facility=facility, title=title("3616530"), item_number="C-2", active=False)
    PositionFactory(facility=facility, item_number="C-3")
    assert chief_position(facility) == chief
    assert next(p.item_number for p in positions_for_facility(cast.hr, facility)) == "C-2"
    assert positions_for_facility(cast.hr, facility).count() == 3
    assert positions_for_facility(cast.hr_other, facility).count() == 0
    assert positions_for_facility(cast.analyst, facility).count() == 3


def test_hr_edits_a_draft_and_a_stale_edit_is_refused(client, cast):
    r = reclassification_in("draft", hr=cast.hr)
    login(client, cast.hr)
    url = reverse("classification:reclassification_update", args=[r.pk])
    form = client.get(url).context["form"]
    data = {
        "version": form["version"].value(),
        "proposed_title": title("3616510").pk,
        "justification": "Runs the program.",
        "technicians_1_supervised": 3,
        "technicians_2_supervised": 1,
        "clerical_supervised": 0,
        "duty_0": "Manage",
        "duty_0_percent": 70,
        "duty_1": "Audit",
        "duty_1_percent": 30,
    }
    assert client.post(url, data).status_code == 302
    r.refresh_from_db()
    assert (r.proposed_title.code, r.version) == ("3616510", 2)
    assert [d.percent for d in r.duties.all()] == [70, 30]
    data["justification"] = "Overwritten?"
    page = client.post(url, data, follow=True)
    assert "changed since you opened it" in page.content.decode()
    assert "(last:" not in page.content.decode()  # a draft's edits write no event to name
    r.refresh_from_db()
    assert r.justification == "Runs the program."
    login(client, cast.hr_other)
    assert client.get(url).status_code == 404


def test_respond_with_a_file_through_the_page(client, cast, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = reclassification_in("info_requested", hr=cast.hr, assigned=cast.assigned)
    login(client, cast.hr)
    url = reverse("classification:reclassification_transition", args=[r.pk, "respond"])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "version": r.version,
                "message": "Chart attached.",
                "kind": "org_chart",
                "file": SimpleUploadedFile("new chart.pdf", PDF),
            },
        )
    r.refresh_from_db()
    assert r.status == "in_review" and r.paused_since is None
    assert r.attachments.filter(original_name="new chart.pdf").exists()
    from classification import outbox

    outbox.send_due()
    assert mail.outbox[-1].to == [cast.assigned.email]


def test_message_is_required_where_the_table_says(client, cast):
    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    login(client, cast.assigned)
    url = reverse("classification:reclassification_transition", args=[r.pk, "request_information"])
    page = client.post(url, {"version": r.version, "message": ""})
    assert page.status_code == 400
    r.refresh_from_db()
    assert r.status == "in_review"


def test_waiting_on_the_agency_is_spelled_out(client, cast):
    from classification import services

    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    services.request_reclassification_information(
        actor=cast.assigned,
        reclassification_id=r.pk,
        expected_version=r.version,
        message="Send the signed chart.",
    )
    login(client, cast.hr)
    html = client.get(r.get_absolute_url()).content.decode()
    assert 'data-testid="waiting-on-agency"' in html and "Send the signed chart." in html
    assert 'data-testid="action-respond"' in html


def test_request_page_evaluates_the_incumbent_against_the_proposed_title(client, cast):
    from tests.candidates.factories import PersonFactory

    person = PersonFactory(agency=cast.hr.agency)
    position = PositionFactory(facility__agency=cast.hr.agency, incumbent=person)
    r = reclassification_in("submitted", hr=cast.hr, position=position)
    login(client, cast.analyst)
    page = client.get(r.get_absolute_url())
    assert page.status_code == 200
    assert page.context["incumbent_evaluation"].title_code == r.proposed_title.code
    assert 'data-testid="incumbent-evaluation"' in page.content.decode()


def test_csv_export_streams_every_row_in_constant_queries(client, cast, django_assert_num_queries):
    from django.http import StreamingHttpResponse

    for _i in range(3):
        reclassification_in("submitted", hr=cast.hr)
    login(client, cast.analyst)
    url = reverse("classification:reclassification_list")
    client.get(url)

    def export() -> list[list[str]]:
        response = client.get(url, {"tab": "all", "_export": "csv"})
        assert isinstance(response, StreamingHttpResponse)
        return csv_rows(response)

    with django_assert_num_queries(3) as three:  # session, user, the rows
        assert len(export()) == 1 + 3
    for _i in range(40):
        reclassification_in("submitted", hr=cast.hr)
    with django_assert_num_queries(len(three)):
        assert len(export()) == 1 + 43


def test_facility_filter_is_typed_scoped_escaped_and_keeps_the_value(client, cast):
    """No <select> of every facility: a facility is typed by name or code (an id, as saved
    filters hold, still works); another agency's facility matches nothing for HR."""
    own = PositionFactory(facility__agency=cast.hr.agency, facility__name="<Own> & Co").facility
    other = PositionFactory(facility__agency=cast.hr_other.agency).facility
    reclassification_in("submitted", hr=cast.hr, position=own.positions.get())
    reclassification_in("submitted", hr=cast.hr_other, position=other.positions.get())
    login(client, cast.hr)
    url = reverse("classification:reclassification_list")
    response = client.get(url, {"facility": "<own>"})
    html = response.content.decode()
    assert '<select name="facility"' not in html
    assert re.search(r'<nys-textinput[^>]* name="facility"[^>]* value="&lt;own&gt;"', html)
    assert response.context["table"].paginator.count == 1
    assert client.get(url, {"facility": own.pk}).context["table"].paginator.count == 1
    for typed in (other.name, other.pk, other.code):
        assert client.get(url, {"facility": typed}).context["table"].paginator.count == 0


def test_csv_export_row_shows_what_the_page_shows(client, cast):
    from django.contrib.auth import get_user_model

    r = reclassification_in("in_review", hr=cast.hr, assigned=cast.assigned)
    unassigned = reclassification_in("submitted", hr=cast.hr)
    get_user_model().objects.filter(pk=cast.assigned.pk).update(first_name="Ana", last_name="Lee")
    login(client, cast.analyst)
    url = reverse("classification:reclassification_list")
    response = client.get(url, {"tab": "all", "_export": "csv"})
    rows = {row[0]: row for row in csv_rows(response)}
    row = rows[str(r.pk)]
    assert row[1:9] == [
        r.position.item_number,
        r.position.facility.name,
        r.position.facility.agency.code,
        r.current_title.name,
        r.proposed_title.name,
        "",  # approved title: none yet
        "In review",
        "Ana Lee",
    ]
    assert rows[str(unassigned.pk)][8] == ""
    assert rows[str(r.pk)][9] == "10"  # days open since submission ten days ago


@pytest.mark.parametrize("version", [None, "", "abc", "-5"])
def test_an_edit_without_its_version_is_refused_with_a_message(client, cast, version):
    """The hidden version is what catches a stale form: leaving it out or garbling it must not
    skip the check, and the person reads why (a hidden field's own error shows nowhere)."""
    from tests.candidates.factories import PersonFactory

    r = reclassification_in("draft", hr=cast.hr)
    person = PersonFactory(agency=cast.hr.agency, given_name="Kept")
    login(client, cast.hr)
    draft = {"proposed_title": title("3616510").pk, "justification": "Overwritten?"}
    edit = {"agency": cast.hr.agency.pk, "given_name": "Changed", "family_name": "Person"}
    for url, data in (
        (reverse("classification:reclassification_update", args=[r.pk]), draft),
        (reverse("candidates:person_update", args=[person.pk]), edit),
    ):
        if version is not None:
            data = {**data, "version": version}
        page = client.post(url, data)
        assert page.status_code in (200, 400), url
        assert "This form is out of date" in page.content.decode(), url
    r.refresh_from_db()
    person.refresh_from_db()
    assert (r.justification, r.version) != ("Overwritten?", 2)
    assert person.given_name == "Kept"
