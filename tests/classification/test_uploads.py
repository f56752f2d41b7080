"""Attachments: only PDF, PNG, JPEG, DOCX and XLSX by content, 10 MB at most, names made safe,
stored under a random name, served only to those who may see the request."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from classification import services
from classification.models import Attachment
from common import uploads
from common.errors import Refused

from .factories import PDF, reclassification_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def ooxml(kind: str, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{kind}/document.xml", "<x/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("a.png", PNG, "image/png"),
        ("a.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
        ("a.docx", ooxml("word"), next(k for k in uploads.ATTACHMENTS.types if "word" in k)),
        ("a.xlsx", ooxml("xl"), next(k for k in uploads.ATTACHMENTS.types if "sheet" in k)),
        ("chart.bin", PDF, "application/pdf"),  # the content decides, not the name
    ],
)
def test_accepted_types(name, content, content_type):
    checked = uploads.check_upload(SimpleUploadedFile(name, content))
    assert checked.content_type == content_type
    assert checked.safe_name.endswith(uploads.ATTACHMENTS.types[content_type])


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("evil.pdf", b"MZ\x90\x00" + b"\x00" * 100, "not a"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "not a"),
        ("plain.zip", b"PK\x03\x04" + b"\x00" * 40, "not a"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_content(name, content, why):
    with pytest.raises(ValidationError, match=why):
        uploads.check_upload(SimpleUploadedFile(name, content))


def test_zip_without_office_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match="not a"):
        uploads.check_upload(SimpleUploadedFile("x.docx", buffer.getvalue()))


def test_zip_bomb_is_refused_by_declared_size():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x00" * (101 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(ValidationError, match="100 MB"):
        uploads.check_upload(SimpleUploadedFile("bomb.docx", buffer.getvalue()))


def test_too_large_is_refused():
    big = SimpleUploadedFile("big.pdf", PDF + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="limit is 10 MB"):
        uploads.check_upload(big)


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("/abs/path/chart.pdf", "chart.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("bad\x00name\n.pdf", "badname.pdf"),
        ("chart.exe", "chart.pdf"),
    ],
)
def test_path_tricks_in_names_are_neutralised(given, safe):
    assert uploads.check_upload(SimpleUploadedFile(given, PDF)).safe_name == safe


def test_stored_under_a_random_name_with_hash(cast, settings):
    import hashlib

    r = reclassification_in("draft", hr=cast.hr, complete=False)
    a = services.add_attachment(
        actor=cast.hr,
        reclassification_id=r.pk,
        kind="org_chart",
        upload=SimpleUploadedFile("../../x/chart.pdf", PDF),
    )
    assert a.original_name == "chart.pdf"
    assert "chart" not in a.file.name and ".." not in a.file.name
    assert a.file.path.startswith(str(settings.MEDIA_ROOT))
    assert a.sha256 == hashlib.sha256(PDF).hexdigest() and a.size == len(PDF)


def test_upload_through_the_page_refuses_with_a_message(client, cast):
    r = reclassification_in("draft", hr=cast.hr, complete=False)
    client.force_login(cast.hr)
    url = reverse("classification:attachment_create", args=[r.pk])
    evil = SimpleUploadedFile("chart.pdf", b"MZ" + b"\x00" * 50)
    page = client.post(url, {"kind": "org_chart", "file": evil}, follow=True)
    assert "was not attached" in page.content.decode()
    assert not Attachment.objects.filter(reclassification=r).exists()
    good = SimpleUploadedFile("chart.pdf", PDF)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the file moves into place on commit
        client.post(url, {"kind": "org_chart", "file": good})
    a = Attachment.objects.get(reclassification=r)
    download = client.get(a.get_absolute_url())
    assert download["Content-Disposition"].startswith('attachment; filename="chart.pdf"')
    assert download["X-Content-Type-Options"] == "nosniff"


def test_who_may_attach(cast):
    r = reclassification_in("recommended", hr=cast.hr, assigned=cast.assigned)
    for user in (cast.hr, cast.analyst, cast.assigned, cast.hr_other):
        with pytest.raises(Refused):
            services.add_attachment(
                actor=user,
                reclassification_id=r.pk,
                kind="other",
                upload=SimpleUploadedFile("a.pdf", PDF),
            )


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            {"kind": "org_chart", "file": ("chart.pdf", b"")},
            "The file “chart.pdf” is empty (it holds nothing), so it was not attached. Check "
            "that you chose the right file, then attach it again.",
        ),
        (
            {"kind": "", "file": ("C:\\Users\\pat\\chart.pdf", b"")},
            "The file “chart.pdf” is empty (it holds nothing), so it was not attached. Check "
            "that you chose the right file, then attach it again. Choose its kind too.",
        ),
        ({"kind": "org_chart"}, "Choose a kind and a file to attach."),
        ({"kind": "", "file": ("chart.pdf", PDF)}, "Choose a kind and a file to attach."),
        ({"kind": "not-a-kind", "file": ("chart.pdf", PDF)}, "Choose a kind and a file to attach."),
    ],
    ids=["empty file", "empty file and no kind", "no file", "no kind", "unknown kind"],
)
def test_an_empty_file_is_told_apart_from_a_missing_kind_or_file(client, cast, data, said):
    """An empty file (a failed download or save) gets its own sentence, naming it as the
    uploader knows it (no path); a missing kind or file keeps the other."""
    r = reclassification_in("draft", hr=cast.hr, complete=False)
    client.force_login(cast.hr)
    url = reverse("classification:attachment_create", args=[r.pk])
    post = {
        key: SimpleUploadedFile(*value) if key == "file" else value for key, value in data.items()
    }
    page = client.post(url, post, follow=True)
    assert [str(m) for m in page.context["messages"]] == [said]
    assert not Attachment.objects.filter(reclassification=r).exists()
