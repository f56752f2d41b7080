"""Type checking (`make lint`): mypy's django-stubs plugin imports the settings to learn the
installed apps and their models, and never connects to a database.

The test settings would start the local PostgreSQL just by being imported (`databases()`,
config/settings/database.py), so these are the shared settings with a database that is named but
never reached. Nothing runs with them.
"""

from .base import *  # noqa: F403

SECRET_KEY = "typecheck-only-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DATABASES = databases_from_urls("postgres://typecheck@127.0.0.1:1/typecheck", "")  # noqa: F405
