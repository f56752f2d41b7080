"""Where uploaded files and letters are stored: private storage and random names on disk."""

import uuid
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.db import models


def private_storage() -> FileSystemStorage:
    """MEDIA_ROOT lies outside the web root and nothing serves MEDIA_URL: files leave only
    through views that check the user may see the request."""
    return FileSystemStorage()


def random_attachment_name(instance: models.Model, filename: str) -> str:
    # Never the uploader's name on disk: a random name with the checked extension only.
    return f"attachments/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:6]}"


def random_letter_name(instance: models.Model, filename: str) -> str:
    return f"letters/{uuid.uuid4().hex}.pdf"


def random_packet_name(instance: models.Model, filename: str) -> str:
    return f"appeals/{uuid.uuid4().hex}.pdf"
