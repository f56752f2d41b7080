"""Recording verifications: one transaction with the credential, append-only everywhere."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from candidates import services
from candidates.models import Credential, Verification
from tests.candidates.factories import CredentialFactory, verify
from tests.factories import UserFactory, analyst_user, hr_user, supervisor_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential():
    return CredentialFactory(status="active", valid_through=None)


def test_recording_updates_the_credential(credential):
    analyst = analyst_user()
    services.request_reverification(actor=analyst, credential_ids=[credential.pk])
    v = verify(
        credential, analyst, on=date(2025, 5, 1), status="inactive",
        valid_through_returned=date(2026, 12, 31), requested_on=date(2025, 4, 20),
    )  # fmt: skip
    credential.refresh_from_db()
    assert v.verified_by == analyst
    assert credential.status == "inactive"
    assert credential.valid_through == date(2026, 12, 31)
    assert credential.last_verified_on == date(2025, 5, 1)
    assert credential.reverification_requested_on is None


def test_an_older_verification_does_not_override_a_newer_one(credential):
    analyst = analyst_user()
    verify(credential, analyst, on=date(2025, 5, 1), status="active")
    verify(credential, analyst, on=date(2025, 3, 1), status="inactive")
    credential.refresh_from_db()
    assert (credential.status, credential.last_verified_on) == ("active", date(2025, 5, 1))


def test_a_correction_supersedes_the_corrected_verification(credential):
    analyst = analyst_user()
    wrong = verify(credential, analyst, on=date(2025, 5, 2), status="active")
    verify(credential, analyst, on=date(2025, 5, 1), status="revoked", corrects=wrong)
    credential.refresh_from_db()
    assert (credential.status, credential.last_verified_on) == ("revoked", date(2025, 5, 1))
    with pytest.raises(ValidationError, match="already been corrected"):
        verify(credential, analyst, on=date(2025, 5, 3), corrects=wrong)


@pytest.mark.parametrize("make_user", [lambda: hr_user("OMH"), UserFactory])
def test_only_dcc_staff_record_verifications(credential, make_user):
    with pytest.raises(PermissionDenied):
        verify(credential, make_user(), on=date(2025, 5, 1))
    assert not Verification.objects.exists()


def test_supervisor_may_record(credential):
    verify(credential, supervisor_user(), on=date(2025, 5, 1))
    assert Verification.objects.count() == 1


def test_stale_form_is_refused(credential):
    analyst = analyst_user()
    with pytest.raises(services.ConflictError):
        verify(credential, analyst, on=date(2025, 5, 1), expected_version=credential.version + 1)
    assert not Verification.objects.exists()


def test_future_verification_refused_and_nothing_written(credential):
    with pytest.raises(ValidationError):
        verify(credential, analyst_user(), on=date(2999, 1, 1))
    credential.refresh_from_db()
    assert credential.last_verified_on is None and not Verification.objects.exists()


# --- Append-only -----------------------------------------------------------------------------


def test_model_refuses_update_and_delete(credential):
    v = verify(credential, analyst_user(), on=date(2025, 5, 1))
    v.note = "changed"
    with pytest.raises(TypeError):
        v.save()
    with pytest.raises(TypeError):
        v.delete()
    with pytest.raises(TypeError):
        Verification.objects.filter(pk=v.pk).update(note="changed")
    with pytest.raises(TypeError):
        Verification.objects.filter(pk=v.pk).delete()
    assert Verification.objects.get(pk=v.pk).note == ""


def test_admin_cannot_add_change_or_delete(client, credential):
    v = verify(credential, analyst_user(), on=date(2025, 5, 1))
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("admin:candidates_verification_add")).status_code == 403
    change = reverse("admin:candidates_verification_change", args=[v.pk])
    page = client.get(change)
    assert page.status_code == 200  # view only
    assert 'name="note"' not in page.text
    assert client.post(change, {"note": "changed"}).status_code == 403
    delete = reverse("admin:candidates_verification_delete", args=[v.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:candidates_verification_changelist"),
        {"action": "delete_selected", "_selected_action": [v.pk], "post": "yes"},
    )
    assert Verification.objects.filter(pk=v.pk, note="").exists()


def test_admin_keeps_verified_credential_facts_read_only(client, credential):
    verify(credential, analyst_user(), on=date(2025, 5, 1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:candidates_credential_change", args=[credential.pk]))
    assert page.status_code == 200
    assert 'name="status"' not in page.text and 'name="last_verified_on"' not in page.text
    person_page = client.get(reverse("admin:candidates_person_change", args=[credential.person.pk]))
    assert person_page.status_code == 200
    assert 'name="credentials-0-status"' not in person_page.text


def test_app_offers_no_edit_or_delete_url_for_verifications():
    from candidates.urls import urlpatterns

    names = {p.name for p in urlpatterns}
    assert not {n for n in names if n.startswith("verification_")} - {
        "verification_create",
        "verification_evidence",
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE candidates_verification SET note = 'changed' WHERE id = %s",
        "DELETE FROM candidates_verification WHERE id = %s",
    ],
)
def test_database_refuses_update_and_delete(sql):
    credential = CredentialFactory()
    v = verify(credential, analyst_user(), on=date(2025, 5, 1))
    with (
        # The site's role has no UPDATE or DELETE here (decision 0016); the owner meets the trigger.
        pytest.raises(DatabaseError, match=r"permission denied|Cannot update or delete rows"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [v.pk])
    assert Verification.objects.filter(pk=v.pk, note="").exists()


def test_request_reverification_marks_once(credential):
    analyst = analyst_user()
    other = CredentialFactory(kind="RHIA")
    first = services.request_reverification(
        actor=analyst, credential_ids=[credential.pk, other.pk], on=date(2025, 1, 2)
    )
    assert first == services.ReverificationRequested(marked=2, already_marked=0, not_found=0)
    again = services.request_reverification(
        actor=analyst, credential_ids=[credential.pk], on=date(2025, 2, 2)
    )
    assert again == services.ReverificationRequested(marked=0, already_marked=1, not_found=0)
    credential.refresh_from_db()
    assert credential.reverification_requested_on == date(2025, 1, 2)
    assert credential.reverification_requested_by == analyst
    with pytest.raises(PermissionDenied):
        services.request_reverification(actor=hr_user("OMH"), credential_ids=[other.pk])


def test_edit_credential_refuses_status_change_once_verified(credential):
    analyst = analyst_user()
    verify(credential, analyst, on=date(2025, 5, 1))
    credential.refresh_from_db()
    with pytest.raises(ValidationError, match="verified"):
        services.edit_credential(
            actor=analyst, credential=credential, expected_version=credential.version,
            ahima_id="X", awarded_on=credential.awarded_on, valid_through=None, status="revoked",
        )  # fmt: skip
    assert Credential.objects.get(pk=credential.pk).status == "active"


def test_correction_must_be_of_the_same_credential(credential):
    analyst = analyst_user()
    other = CredentialFactory(kind="RHIA")
    theirs = verify(other, analyst, on=date(2025, 5, 1))
    with pytest.raises(ValidationError, match="same credential"):
        verify(credential, analyst, on=date(2025, 5, 2), corrects=theirs)
    assert Verification.objects.count() == 1


def test_valid_through_before_award_is_refused(credential):
    with pytest.raises(ValidationError, match="before the credential was awarded"):
        verify(
            credential, analyst_user(), on=date(2025, 5, 1), valid_through_returned=date(2000, 1, 1)
        )
    assert not Verification.objects.exists()


def test_a_refused_verification_leaves_no_evidence_file(credential, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    folder = settings.MEDIA_ROOT / "verifications"
    before = set(folder.iterdir()) if folder.exists() else set()
    upload = SimpleUploadedFile("l.pdf", b"%PDF-1.7\n%%EOF\n")
    with pytest.raises(ValidationError):
        verify(credential, analyst_user(), on=date(2999, 1, 1), evidence=upload)
    after = set(folder.iterdir()) if folder.exists() else set()
    assert after == before
    assert not Verification.objects.exists()


def test_stale_verification_form_shows_a_conflict(client, credential):
    client.force_login(analyst_user())
    url = reverse("candidates:verification_create", args=[credential.pk])
    data = {
        "source": "ahima_online",
        "verified_on": "2025-05-01",
        "status_returned": "active",
        "version": credential.version,
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "status_returned": "revoked"})
    assert response.status_code == 200
    assert "changed this record" in str(response.context["form"].non_field_errors())
    credential.refresh_from_db()
    assert credential.status == "active" and Verification.objects.count() == 1
