"""Production: every secret and address from the environment; HTTPS only."""

from .base import *  # noqa: F403
from .env import env, env_bool, env_int, env_list

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
# The site connects as DATABASE_URL's role; migrations as DATABASE_OWNER_URL's (the tables' owner).
DATABASES = databases_from_urls(env("DATABASE_URL"), env("DATABASE_OWNER_URL", ""))  # noqa: F405

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

MAILERS = mailers("django.core.mail.backends.smtp.EmailBackend")  # noqa: F405
