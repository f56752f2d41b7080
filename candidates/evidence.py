"""Evidence files: PDF, PNG or JPEG only, judged by content, 10 MB at most, stored privately.

They are also judged by what they expand to (common.expansion): a PNG whose pixel data
inflates past its header, a JPEG declaring more than 100 million pixels or a PDF whose streams
inflate past 100 MB is refused, as the request attachments are.

The stored name is random (no user-supplied path ever reaches the file system); the name the
person gave is kept only as a sanitised label for downloads.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from common.expansion import check_expansion

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_EXPANDED_BYTES = 100 * 1024 * 1024
ALLOWED_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


@dataclass(frozen=True)
class CheckedEvidence:
    file: UploadedFile
    stored_name: str
    original_name: str
    content_type: str
    sha256: str
    size: int


def sanitise_name(name: str) -> str:
    """The last path component, letters/digits/._- only, at most 200 characters."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").split("/")[-1]
    name = name.replace("\x00", "").strip().lstrip(".")
    try:
        cleaned = get_valid_filename(name)
    except Exception:  # Django refuses names such as "" or ".." outright
        cleaned = ""
    return (cleaned or "evidence")[-200:]


def check_evidence(upload: UploadedFile) -> CheckedEvidence:
    """Refuse anything but a PDF, PNG or JPEG of at most 10 MB; hash it; give it a random name."""
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; evidence may be at most 10 MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("Evidence must be a PDF, PNG or JPEG file (judged by its content, not its name)."),
            code="bad_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("Evidence may be at most 10 MB."), code="too_large")
    check_expansion(upload, kind.mime, max_expanded=MAX_EVIDENCE_EXPANDED_BYTES)
    upload.seek(0)
    return CheckedEvidence(
        file=upload,
        stored_name=f"{secrets.token_hex(16)}.{ALLOWED_TYPES[kind.mime]}",
        original_name=sanitise_name(upload.name or ""),
        content_type=kind.mime,
        sha256=digest.hexdigest(),
        size=size,
    )
