"""Tests: DATABASE_URL's PostgreSQL server (CI), otherwise the local one (config/settings/database.py)."""

import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="him-test-media-"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES = databases()  # noqa: F405
# Serve static files straight from the source folders, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="him-test-static-"))  # noqa: F405
# Each test process its own checkpoint file (tests pass their own with override_settings).
HIM_AUDIT_CHECKPOINT_FILE = Path(tempfile.mkdtemp(prefix="him-test-audit-")) / "checkpoints.jsonl"  # noqa: F405
HIM_AUDIT_CHECKPOINT_KEY = "test-only-audit-checkpoint-key"
HIM_AUDIT_CHECKPOINT_KEY_FALLBACKS = []
