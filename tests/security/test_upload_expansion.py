"""Uploads are judged by what they expand to, not by what their headers say.

A 298 KB DOCX whose zip headers claim 1 KB for a member that inflates to 300 MB was accepted
as a request attachment: zipfile (and so the old check) believes the headers, Word believes
the stream. PNG pixel data and PDF streams are deflate streams too, and a JPEG declares its
pixels; the verification evidence (PDF, PNG, JPEG) had no such check at all. Both checkers
now measure (common/expansion.py); honest files pass as before.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Verification
from classification.models import Attachment
from common.uploads import EVIDENCE, check_upload
from facilities.imports.reading import parse_upload

from .crafted import deflated_zeros, honest_png, jpeg, lying_zip, ooxml, pdf, png

MB = 1024 * 1024
LIES = "This file's contents are larger than it says"
TOO_LARGE = "This file would expand to more than 100 MB"


@pytest.fixture(scope="module")
def lying_docx() -> bytes:
    """The issue's file: about 300 KB, its headers claim 1 KB, it inflates to 300 MB."""
    data = lying_zip("word", inflates_to=300 * MB, claims=1024)
    assert len(data) < 310 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(m.file_size for m in archive.infolist()) < 2048
    return data


@pytest.fixture(scope="module")
def png_bomb() -> bytes:
    """A 1 × 1 PNG whose pixel data inflates to 300 MB (it declares 4 bytes)."""
    return png(1, 1, deflated_zeros(300 * MB, wrapped=True))


@pytest.fixture(scope="module")
def pdf_bomb() -> bytes:
    """A PDF whose one deflate stream inflates to 300 MB."""
    return pdf(deflated_zeros(300 * MB, wrapped=True))


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- request attachments (common.uploads, ATTACHMENTS) ------------------------------------------


def test_a_docx_whose_headers_lie_is_refused_quickly_and_in_little_memory(lying_docx):
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ValidationError, match=LIES):
            check_upload(upload("report.docx", lying_docx))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Refused at the first byte past what the member declares: it is never inflated whole.
    assert time.monotonic() - started < 2
    assert peak < 5 * MB, f"peak {peak / MB:.1f} MB"


@pytest.mark.parametrize("kind", ["word", "xl"])
def test_a_member_a_little_larger_than_it_says_is_refused(kind):
    with pytest.raises(ValidationError, match=LIES):
        check_upload(upload("a.docx", lying_zip(kind, inflates_to=4096, claims=4095)))


def test_a_member_smaller_than_it_says_is_damaged():
    with pytest.raises(ValidationError, match="This file is damaged"):
        check_upload(upload("a.docx", lying_zip("word", inflates_to=1000, claims=5000)))


def test_declared_sizes_over_the_cap_are_still_refused():
    honest = ooxml("word", {"word/media/big.bin": b"\0" * (101 * MB)})
    with pytest.raises(ValidationError, match=TOO_LARGE):
        check_upload(upload("a.docx", honest))


@pytest.mark.parametrize(
    "make",
    [
        lambda: honest_png(),
        lambda: png(2000, 1500, zlib.compress(b"\0" * (1500 * (1 + 3 * 2000)))),
        lambda: jpeg(4000, 3000),
        lambda: pdf(zlib.compress(b"BT /F1 12 Tf (Classification) Tj ET" * 1000)),
        lambda: pdf(b"not deflate at all", flate=True),  # damaged: a reader gets less, not more
        lambda: ooxml("word", {"word/media/image.png": b"\0" * (5 * MB)}),
    ],
    ids=["png", "png-3mp", "jpeg-12mp", "pdf", "pdf-damaged-stream", "docx-5mb"],
)
def test_honest_files_are_accepted(make):
    assert check_upload(upload("file.bin", make())).content_type
    data = make()
    if not data.startswith(b"PK"):
        assert check_upload(upload("file.bin", data), EVIDENCE).content_type


def test_a_png_whose_pixels_inflate_past_its_header_is_refused(png_bomb):
    assert len(png_bomb) < 400 * 1024
    with pytest.raises(ValidationError, match=LIES):
        check_upload(upload("chart.png", png_bomb))


def test_a_png_declaring_more_pixels_than_the_cap_is_refused():
    # 60,000 × 60,000 RGB: 10.8 GB of pixels from a file of a few hundred bytes.
    data = png(60_000, 60_000, zlib.compress(b"\0" * 1024))
    with pytest.raises(ValidationError, match=TOO_LARGE):
        check_upload(upload("chart.png", data))


def test_a_jpeg_declaring_too_many_pixels_is_refused():
    with pytest.raises(ValidationError, match="the limit is 100 million"):
        check_upload(upload("photo.jpg", jpeg(65_000, 65_000)))


def test_a_pdf_whose_streams_inflate_past_the_cap_is_refused(pdf_bomb):
    assert len(pdf_bomb) < 400 * 1024
    with pytest.raises(ValidationError, match=TOO_LARGE):
        check_upload(upload("letter.pdf", pdf_bomb))


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        (b"stream\n" * 1_400_000, None),  # streams that never end: nothing to inflate
        (b"<</Filter/FlateDecode>>stream\nx\nendstream\n" * 230_000, "too many parts"),
    ],
    ids=["unended", "230,000 tiny streams"],
)
def test_a_pdf_of_many_streams_is_checked_in_bounded_time(body, refused):
    data = b"%PDF-1.7\n" + body
    assert len(data) < 10 * MB
    started = time.monotonic()
    if refused:
        with pytest.raises(ValidationError, match=refused):
            check_upload(upload("letter.pdf", data))
    else:
        check_upload(upload("letter.pdf", data))
    assert time.monotonic() - started < 5


def test_the_attachment_page_refuses_the_lying_docx(client, scene, lying_docx):
    omh = scene.agencies["OMH"]
    client.force_login(omh.hr)
    before = Attachment.objects.count()
    response = client.post(
        reverse("classification:attachment_create", args=[omh.submitted.pk]),
        {"kind": "other", "file": upload("duties.docx", lying_docx)},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any(LIES in m for m in shown), shown
    assert Attachment.objects.count() == before


# --- verification evidence (common.uploads, EVIDENCE) --------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "message"),
    [("png_bomb", LIES), ("pdf_bomb", TOO_LARGE)],
)
def test_evidence_that_expands_too_far_is_refused(request, fixture, message):
    with pytest.raises(ValidationError, match=message):
        check_upload(upload("letter.bin", request.getfixturevalue(fixture)), EVIDENCE)


def test_evidence_declaring_too_many_pixels_is_refused():
    with pytest.raises(ValidationError, match="the limit is 100 million"):
        check_upload(upload("scan.jpg", jpeg(65_000, 65_000)), EVIDENCE)


def test_the_verification_page_refuses_a_png_bomb(client, scene, png_bomb):
    credential = scene.agencies["OMH"].credential
    client.force_login(scene.analyst)
    before = Verification.objects.count()
    response = client.post(
        reverse("candidates:verification_create", args=[credential.pk]),
        {
            "source": "ahima_letter",
            "verified_on": "2025-06-01",
            "status_returned": "active",
            "version": credential.version,
            "evidence": upload("letter.png", png_bomb),
        },
    )
    assert response.status_code == 200
    assert any(LIES in e for e in response.context["form"].errors["evidence"])
    assert Verification.objects.count() == before


# --- the counts import (facilities.imports) -------------------------------------------------


def test_a_counts_workbook_whose_headers_lie_is_refused():
    parsed = parse_upload("counts.xlsx", lying_zip("xl", inflates_to=50 * MB, claims=1024))
    assert parsed.rows == []
    assert parsed.errors == ["This file's contents are larger than it says; it cannot be accepted."]
