"""Pages: scoping (404 for another agency), count forms, review, import, export, query counts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from facilities import services
from facilities.models import AnnualActivity, CountImport
from tests.downloads import csv_rows, download_text
from tests.factories import FacilityFactory, analyst_user, hr_user

from .helpers import counts, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    opwdd = FacilityFactory(
        agency__code="OPWDD", facility_type="ddsoo", code="DD1", name="Own DDSOO"
    )
    omh = FacilityFactory(agency__code="OMH", code="PC1", name="Other Agency PC")
    analyst = analyst_user()
    activity = counts(omh, analyst, 2024, 2_000, 100_000)
    return {"opwdd": opwdd, "omh": omh, "omh_activity": activity, "analyst": analyst}


@pytest.fixture
def hr_client(client):
    client.force_login(hr_user("OPWDD"))
    return client


def test_hr_lists_only_its_agency(hr_client, world):
    response = hr_client.get(reverse("facilities:facility_list"))
    assert response.status_code == 200
    assert b"Own DDSOO" in response.content
    assert b"Other Agency PC" not in response.content
    assert "agency" not in response.context["filter"].form.fields


def test_hr_export_holds_only_its_agency(hr_client, world):
    response = hr_client.get(reverse("facilities:facility_list") + "?export=csv")
    text = download_text(response)
    assert "Own DDSOO" in text and "Other Agency PC" not in text


@pytest.mark.parametrize(
    ("method", "name", "kwargs"),
    [
        ("get", "facilities:facility_detail", {}),
        ("get", "facilities:counts_new", {}),
        ("post", "facilities:counts_new", {}),
        ("get", "facilities:counts_edit", {"year": 2024}),
        ("post", "facilities:counts_edit", {"year": 2024}),
        ("post", "facilities:counts_review", {"year": 2024}),
    ],
)
def test_hr_gets_404_for_another_agencys_facility(hr_client, world, method, name, kwargs):
    url = reverse(name, kwargs={"pk": world["omh"].pk, **kwargs})
    data = {"fiscal_year": 2024, "individuals_served": 1, "records_activities": 1, "version": 1}
    response = getattr(hr_client, method)(url, data if method == "post" else None)
    assert response.status_code == 404
    world["omh_activity"].refresh_from_db()
    assert world["omh_activity"].individuals_served == 2_000


def test_hr_cannot_import_another_agencys_facility(hr_client, world):
    upload = io.BytesIO(csv_bytes([["PC1", 2023, 1, 1, ""]]))
    upload.name = "counts.csv"
    response = hr_client.post(reverse("facilities:import"), {"file": upload}, follow=True)
    assert "Unknown facility code “PC1”" in response.content.decode()
    assert b"Confirm" not in response.content
    count_import = CountImport.objects.get()
    response = hr_client.post(
        reverse("facilities:import_preview", args=[count_import.token]),
        {"file_sha256": count_import.file_sha256},
        follow=True,
    )
    assert not AnnualActivity.objects.filter(facility=world["omh"], fiscal_year=2023).exists()


def test_another_users_import_preview_is_404(client, world):
    count_import = services.preview_count_import(
        actor=world["analyst"], file_name="c.csv", data=csv_bytes([["PC1", 2023, 1, 1, ""]])
    )
    client.force_login(analyst_user(username="someone-else"))
    response = client.get(reverse("facilities:import_preview", args=[count_import.token]))
    assert response.status_code == 404


def test_hr_reports_and_cannot_review(hr_client, world):
    url = reverse("facilities:counts_new", args=[world["opwdd"].pk])
    response = hr_client.post(
        url, {"fiscal_year": 2024, "individuals_served": 2_500, "records_activities": 90_000}
    )
    assert response.status_code == 302
    activity = AnnualActivity.objects.get(facility=world["opwdd"])
    review = reverse("facilities:counts_review", args=[world["opwdd"].pk, 2024])
    response = hr_client.post(review, {"action": "accept", "version": activity.version})
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.status == "submitted"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"fiscal_year": 1980, "individuals_served": 1, "records_activities": 1}, "fiscal_year"),
        (
            {"fiscal_year": 2024, "individuals_served": -5, "records_activities": 1},
            "individuals_served",
        ),
        (
            {"fiscal_year": 2024, "individuals_served": 1.5, "records_activities": 1},
            "individuals_served",
        ),
        (
            {"fiscal_year": 2024, "individuals_served": 1, "records_activities": ""},
            "records_activities",
        ),
        ({"fiscal_year": 2099, "individuals_served": 1, "records_activities": 1}, "fiscal_year"),
    ],
)
def test_bad_counts_are_form_errors(hr_client, world, data, field):
    response = hr_client.post(reverse("facilities:counts_new", args=[world["opwdd"].pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not AnnualActivity.objects.filter(facility=world["opwdd"]).exists()


def test_entering_an_existing_year_becomes_a_correction(client, world):
    client.force_login(world["analyst"])
    url = reverse("facilities:counts_new", args=[world["omh"].pk])
    data = {"fiscal_year": 2024, "individuals_served": 2_100, "records_activities": 100_000}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already has counts" in response.context["conflict"]
    form = response.context["form"]
    assert str(form["version"].value()) == "1"
    assert not form.errors  # the reason is asked for, not flagged before it could be typed
    assert form.fields["note"].required
    world["omh_activity"].refresh_from_db()
    assert world["omh_activity"].individuals_served == 2_000  # nothing overwritten

    response = client.post(url, {**data, "version": 1, "note": "recount"})
    assert response.status_code == 302
    world["omh_activity"].refresh_from_db()
    assert world["omh_activity"].individuals_served == 2_100
    detail = client.get(reverse("facilities:facility_detail", args=[world["omh"].pk]))
    assert b"Corrected" in detail.content and b"2,000 \xe2\x86\x92 2,100" in detail.content


def test_a_stale_correction_form_gets_a_conflict_message(client, world):
    client.force_login(world["analyst"])
    url = reverse("facilities:counts_edit", args=[world["omh"].pk, 2024])
    form_data = {
        "fiscal_year": 2024,
        "individuals_served": 2_200,
        "records_activities": 100_000,
        "version": 1,
        "note": "mine",
    }
    services.report_counts(
        actor=world["analyst"],
        facility=world["omh"],
        fiscal_year=2024,
        individuals_served=2_050,
        records_activities=100_000,
        note="theirs",
        expected_version=1,
    )
    response = client.post(url, form_data)
    assert response.status_code == 200
    assert "Someone changed" in response.context["conflict"]
    assert str(response.context["form"]["version"].value()) == "2"
    assert response.context["form"]["individuals_served"].value() == 2_200  # nothing typed is lost
    world["omh_activity"].refresh_from_db()
    assert world["omh_activity"].individuals_served == 2_050


def test_a_correction_changes_the_year_in_its_address_only(client, world):
    """The hidden year posted with another year's address (both rows at version 1): the
    year in the address is corrected, the other stays as it was."""
    other = counts(world["omh"], world["analyst"], 2023, 1_500, 90_000)
    client.force_login(world["analyst"])
    client.post(
        reverse("facilities:counts_edit", args=[world["omh"].pk, 2024]),
        {
            "fiscal_year": 2023,
            "individuals_served": 2_300,
            "records_activities": 100_000,
            "version": 1,
            "note": "typo fix",
        },
    )
    other.refresh_from_db()
    world["omh_activity"].refresh_from_db()
    assert (other.individuals_served, other.version) == (1_500, 1)
    assert world["omh_activity"].individuals_served == 2_300


def test_analyst_accepts_and_disputes_with_a_note(client, world):
    client.force_login(world["analyst"])
    url = reverse("facilities:counts_review", args=[world["omh"].pk, 2024])
    response = client.post(url, {"action": "dispute", "version": 1, "note": ""}, follow=True)
    assert b"Say what is wrong" in response.content
    client.post(url, {"action": "dispute", "version": 1, "note": "too high"})
    client.post(url, {"action": "accept", "version": 2, "note": "checked"})
    activity = AnnualActivity.objects.get(pk=world["omh_activity"].pk)
    assert (activity.status, activity.review_note, activity.version) == ("accepted", "checked", 3)
    kinds = list(activity.revisions.order_by("version").values_list("kind", flat=True))
    assert kinds == ["reported", "disputed", "accepted"]


def test_import_upload_preview_confirm(client, world):
    client.force_login(world["analyst"])
    upload = io.BytesIO(
        csv_bytes([["DD1", 2023, 2_500, 200_000, ""], ["PC1", 2024, 2_000, 100_000, ""]])
    )
    upload.name = "counts.csv"
    response = client.post(reverse("facilities:import"), {"file": upload}, follow=True)
    assert response.context["totals"] == {"new": 1, "changed": 0, "unchanged": 1, "error": 0}
    count_import = response.context["count_import"]
    response = client.post(
        reverse("facilities:import_preview", args=[count_import.token]),
        {"file_sha256": count_import.file_sha256},
        follow=True,
    )
    assert b"1 new, 0 corrected, 1 unchanged" in response.content
    assert AnnualActivity.objects.filter(facility=world["opwdd"], fiscal_year=2023).exists()


def test_upload_over_5_mb_is_refused_before_reading(client, world):
    client.force_login(world["analyst"])
    upload = io.BytesIO(b"a" * (5 * 1024 * 1024 + 10))
    upload.name = "big.csv"
    response = client.post(reverse("facilities:import"), {"file": upload})
    assert response.status_code == 200
    assert "limit is 5 MB" in str(response.context["form"].errors)
    assert not CountImport.objects.exists()


def test_export_escapes_formulas(client, world):
    FacilityFactory(name='=HYPERLINK("http://x")', code="+EVIL")
    client.force_login(world["analyst"])
    response = client.get(reverse("facilities:facility_list") + "?export=csv&q=EVIL")
    rows = csv_rows(response)
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][1] == "'+EVIL"
    response = client.get(reverse("facilities:facility_list") + "?export=xlsx&q=EVIL")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet.max_row == 2


def test_filters_and_search(client, world):
    client.force_login(world["analyst"])
    response = client.get(reverse("facilities:facility_list") + "?warranted=none")
    names = [row.record.name for row in response.context["table"].page.object_list]
    assert names == ["Own DDSOO"]  # a DDSOO without accepted counts has no automatic level


@pytest.mark.parametrize("per_page", [5, 50])
def test_list_query_count_does_not_grow_with_rows(
    client, world, django_assert_num_queries, per_page
):
    analyst = world["analyst"]
    for n in range(60):
        facility = FacilityFactory(facility_type="ddsoo", agency__code="OPWDD")
        for year in (2022, 2023):
            AnnualActivity.objects.create(
                facility=facility,
                fiscal_year=year,
                individuals_served=3_000 + n,
                records_activities=1_000,
                status="accepted",
                submitted_by=analyst,
            )
    services.refresh_determinations(f.pk for f in world["opwdd"].__class__.objects.all())
    client.force_login(analyst)
    url = reverse("facilities:facility_list") + f"?per_page={per_page}&sort=-individuals"
    # session, user (with agency and roles), count, agencies (filter choices), page, and the
    # session save (savepoint, update, release): the first request after sign-in stamps the
    # session's touch time (config.middleware.SessionTouchMiddleware); later ones within a
    # minute skip it (tests/perf/test_query_counts.py).
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["table"].page.object_list) == per_page


@pytest.mark.parametrize(
    ("role", "list_status", "import_status", "detail_status"),
    [
        ("hr_own", 200, 200, 200),
        ("analyst", 200, 200, 200),
        ("no_role", 302, 302, 302),
    ],
)
def test_who_may_open_what(client, world, role, list_status, import_status, detail_status):
    """The URL → permission table for the facilities pages (without a role, every page sends
    the user to the one that says whom to ask for one)."""
    from tests.factories import UserFactory

    user = {
        "hr_own": lambda: hr_user("OPWDD"),
        "analyst": lambda: world["analyst"],
        "no_role": lambda: UserFactory(username="nobody"),
    }[role]()
    client.force_login(user)
    response = client.get(reverse("facilities:facility_list"))
    assert response.status_code == list_status
    if role == "no_role":
        assert response["Location"] == reverse("no_access")
    assert client.get(reverse("facilities:import")).status_code == import_status
    detail = reverse("facilities:facility_detail", args=[world["opwdd"].pk])
    assert client.get(detail).status_code == detail_status
