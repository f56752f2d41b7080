"""Settings of the tests' OpenID Connect provider. Everything comes from the environment the
fixture sets (tests/oidc/conftest.py): its database on the tests' PostgreSQL server, its
issuer address, its RSA signing key, and the users and clients to create."""

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "oidc-test-provider-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "tests.oidc_provider.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
# Cookies are per host, not per port: the provider's must not collide with the site's.
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrftoken"
LOGIN_URL = "/accounts/login/"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["PROVIDER_DB_NAME"],
        "USER": os.environ.get("PROVIDER_DB_USER", ""),
        "PASSWORD": os.environ.get("PROVIDER_DB_PASSWORD", ""),
        "HOST": os.environ.get("PROVIDER_DB_HOST", ""),
        "PORT": os.environ.get("PROVIDER_DB_PORT", ""),
    }
}

ISSUER = os.environ["PROVIDER_ISSUER"]
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": os.environ["PROVIDER_RSA_KEY"],
    "PKCE_REQUIRED": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.provider_validator.Validator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Name",
        "email": "Email address",
    },
}

# {"users": {username: {claim: value}}, "clients": [{client_id, secret, redirect_uris, ...}]}
SEED = json.loads(os.environ.get("PROVIDER_SEED", '{"users": {}, "clients": []}'))
USER_PASSWORD = "provider-pass"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
