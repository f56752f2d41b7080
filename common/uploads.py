"""The one checker of uploaded files: request and appeal attachments and verification evidence.

A file is judged by its content, not its name (`filetype` reads its first bytes; a zip is a
Word or Excel document only when its parts say so), by its size, and by what it expands to
(common.expansion: what a zip's members, a PNG's pixels or a PDF's streams really inflate to,
not what their headers say). It is hashed (SHA-256) and rewound for storing. A refusal is a
ValidationError a person can act on. The name the uploader gave survives only as a sanitised
label with the checked extension; callers store the file under a random name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.expansion import check_expansion, check_zip

MB = 1024 * 1024
PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_OOXML = {"word/": DOCX, "xl/": XLSX}


@dataclass(frozen=True)
class Accepts:
    """What one kind of upload may be: its content types (each with the extension it is stored
    under), their names as a person reads them, and its limits."""

    types: Mapping[str, str]
    described: str | Promise
    max_bytes: int = 10 * MB
    # A file that would inflate past this (a DOCX/XLSX's parts, a PNG's pixels, a PDF's
    # streams) is refused as a possible bomb.
    max_expanded: int = 100 * MB
    max_zip_members: int = 2000


ATTACHMENTS = Accepts(
    {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", XLSX: ".xlsx"},
    gettext_lazy("PDF, PNG, JPEG, Word (DOCX) or Excel (XLSX)"),
)
EVIDENCE = Accepts({PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}, gettext_lazy("PDF, PNG or JPEG"))


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    content_type: str
    extension: str
    safe_name: str  # the uploader's name, sanitised, with the checked extension
    sha256: str
    size: int


def safe_filename(name: str | None) -> str:
    """The uploader's file name without any path, control characters or leading dots."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name  # drops a/b/ and a\\b\\
    name = unicodedata.normalize("NFKC", name)
    name = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]", "", name).strip().lstrip(".")
    name = re.sub(r"\s+", " ", name)
    return name[:150] or "file"


def _ooxml_type(upload: UploadedFile, accepts: Accepts) -> str | None:
    """The OOXML type of a zip upload once its members are measured (ValidationError when
    they would inflate too far or lie about their sizes), or None for another zip."""
    upload.seek(0)
    try:
        members = check_zip(
            upload, max_expanded=accepts.max_expanded, max_members=accepts.max_zip_members
        )
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        return None
    for prefix, content_type in _OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return content_type
    return None


def _too_large(size: int, accepts: Accepts) -> ValidationError:
    return ValidationError(
        _("The file is %(mb).1f MB; the limit is %(limit)d MB.")
        % {"mb": size / MB, "limit": accepts.max_bytes // MB},
        code="too_large",
    )


def check_upload(upload: UploadedFile, accepts: Accepts = ATTACHMENTS) -> CheckedUpload:
    """The checked upload (type, sanitised name, SHA-256, size; the file rewound), or a
    ValidationError saying what is wrong with it."""
    if upload.size is not None and upload.size > accepts.max_bytes:
        raise _too_large(upload.size, accepts)
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else None
    if content_type == "application/zip" or head[:4] == b"PK\x03\x04":
        content_type = _ooxml_type(upload, accepts) if DOCX in accepts.types else None
    if content_type is None or content_type not in accepts.types:
        raise ValidationError(
            _("This file is not a %(allowed)s file (judged by its content, not its name).")
            % {"allowed": accepts.described},
            code="bad_type",
        )
    check_expansion(upload, content_type, max_expanded=accepts.max_expanded)
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    if size > accepts.max_bytes:  # the declared size was short of the content
        raise _too_large(size, accepts)
    extension = accepts.types[content_type]
    stem = PurePosixPath(safe_filename(upload.name)).stem or "file"
    return CheckedUpload(
        upload, content_type, extension, f"{stem}{extension}", digest.hexdigest(), size
    )
