"""Evidence uploads: PDF, PNG or JPEG by content, 10 MB at most, random stored names, served
only to users who may see the person."""

import hashlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from candidates.models import Verification
from common.uploads import EVIDENCE, check_upload
from tests.candidates.factories import CredentialFactory
from tests.factories import AgencyFactory, analyst_user, hr_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


@pytest.fixture
def credential():
    return CredentialFactory(person__agency=AgencyFactory(code="OMH"))


def post(client, credential, upload):
    data = {
        "source": "ahima_letter",
        "verified_on": "2025-05-01",
        "status_returned": "active",
        "version": credential.version,
        "evidence": upload,
    }
    # As the request's own commit would: the evidence moves into place on commit.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("candidates:verification_create", args=[credential.pk]), data)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.pdf", b"just text pretending to be a PDF", "PDF, PNG or JPEG"),
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 60, "PDF, PNG or JPEG"),
        ("anim.gif", b"GIF89a" + b"\x00" * 40, "PDF, PNG or JPEG"),
        ("page.html", b"<html><script>alert(1)</script></html>", "PDF, PNG or JPEG"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "10 MB"),
    ],
)
def test_refusals_are_clear_and_nothing_is_written(client, credential, name, content, message):
    client.force_login(analyst_user())
    response = post(client, credential, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["evidence"])
    assert not Verification.objects.exists()
    credential.refresh_from_db()
    assert credential.last_verified_on is None


@pytest.mark.parametrize(
    ("content", "mime"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_accepted_types_are_stored_under_a_random_name(client, credential, settings, content, mime):
    client.force_login(analyst_user())
    response = post(client, credential, SimpleUploadedFile("../../etc/passwd.pdf", content))
    assert response.status_code == 302
    v = Verification.objects.get()
    assert v.evidence_content_type == mime
    assert v.evidence_sha256 == hashlib.sha256(content).hexdigest()
    assert v.evidence_size == len(content)
    # The label keeps the given name with the extension of what the file is.
    assert v.evidence_name == "passwd" + EVIDENCE.types[mime]
    assert v.evidence.name.startswith("verifications/") and ".." not in v.evidence.name
    assert "passwd" not in v.evidence.name
    assert (settings.MEDIA_ROOT / v.evidence.name).is_file()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Windows\\evil.pdf", "evil.pdf"),
        ("...pdf", "pdf.pdf"),
        (".htaccess", "htaccess.pdf"),
        ("scan.png", "scan.pdf"),  # the content decides the extension, not the name
        ("x" * 300 + ".pdf", "x" * 150 + ".pdf"),
    ],
)
def test_the_label_is_the_given_name_without_its_path(given, expected):
    """The one checker (common.uploads) names evidence as it names a request's files."""
    assert check_upload(SimpleUploadedFile(given, PDF), EVIDENCE).safe_name == expected


def test_evidence_is_served_only_through_the_scoped_view(client, credential):
    analyst = analyst_user()
    client.force_login(analyst)
    post(client, credential, SimpleUploadedFile("letter.pdf", PDF))
    v = Verification.objects.get()
    url = reverse("candidates:verification_evidence", args=[v.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    client.force_login(hr_user("OMH"))
    assert client.get(url).status_code == 200  # own agency's person
    client.force_login(hr_user("DOCCS"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_record_through_page_requires_analyst_and_prefills(client, credential):
    credential.valid_through = date(2027, 1, 1)
    credential.save()
    client.force_login(analyst_user())
    page = client.get(reverse("candidates:verification_create", args=[credential.pk]))
    form = page.context["form"]
    assert form.initial["status_returned"] == "active"
    assert form.initial["valid_through_returned"] == date(2027, 1, 1)
