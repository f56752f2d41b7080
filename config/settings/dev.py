"""Local development: what `manage.py` uses unless DJANGO_SETTINGS_MODULE says otherwise."""

from .base import *  # noqa: F403
from .env import env, env_list

DEBUG = True
DATABASES = databases()  # noqa: F405
SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
HIM_AUDIT_CHECKPOINT_KEY = env("HIM_AUDIT_CHECKPOINT_KEY", "dev-only-audit-checkpoint-key")
