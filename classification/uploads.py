"""Checking uploaded evidence by its content, not its name (PDF, PNG, JPEG, DOCX, XLSX only),
and by what it expands to (common.expansion: what a zip's members, a PNG's pixels or a
PDF's streams really inflate to, not what their headers say)."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from common.expansion import check_expansion, check_zip

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A file that would inflate past this (a DOCX/XLSX's parts, a PNG's pixels, a PDF's streams)
# is refused as a possible bomb.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000

EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_NAMES = _("PDF, PNG, JPEG, Word (DOCX) or Excel (XLSX)")


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    safe_name: str


def safe_filename(name: str | None) -> str:
    """The uploader's file name without any path, control characters or leading dots."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name  # drops a/b/ and a\\b\\
    name = unicodedata.normalize("NFKC", name)
    name = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]", "", name).strip().lstrip(".")
    name = re.sub(r"\s+", " ", name)
    return name[:150] or "file"


def _ooxml_type(upload: UploadedFile) -> str | None:
    """The OOXML type of a zip upload once its members are measured (ValidationError when
    they would inflate too far or lie about their sizes), or None for another zip."""
    upload.seek(0)
    try:
        members = check_zip(
            upload, max_expanded=MAX_UNCOMPRESSED_BYTES, max_members=MAX_ZIP_MEMBERS
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


def check_upload(upload: UploadedFile) -> CheckedFile:
    """The checked type of `upload`, or ValidationError saying what is wrong with it."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(mb).1f MB; the limit is 10 MB.") % {"mb": upload.size / 1024 / 1024}
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else None
    if content_type == "application/zip" or (head[:4] == b"PK\x03\x04"):
        content_type = _ooxml_type(upload)
    if content_type not in EXTENSIONS:
        raise ValidationError(
            _("This file is not a %(allowed)s file (judged by its content, not its name).")
            % {"allowed": ALLOWED_NAMES}
        )
    check_expansion(upload, content_type, max_expanded=MAX_UNCOMPRESSED_BYTES)
    extension = EXTENSIONS[content_type]
    stem = PurePosixPath(safe_filename(upload.name)).stem or "file"
    return CheckedFile(content_type, extension, f"{stem}{extension}")
