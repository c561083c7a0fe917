"""Settings for factcheck, driven by the environment.

Defaults run locally with no services: SQLite and Celery's filesystem broker under ``var/``.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to Redis. A bad value fails loudly.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# ModelAdmin[Draft], ModelForm[Sentence] and the like at runtime, as the type checker sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FACTCHECK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file and the local broker live here


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """A comma-separated list of IP addresses or networks (``127.0.0.1, 10.0.0.0/8``)."""
    values = env_list(name, [])
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks (127.0.0.1, 10.0.0.0/8), got {value!r}"
            ) from None
    return values


def env_seconds(name: str, default: int) -> int:
    value = env_int(name, default)
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be a number of seconds above 0, got {value}")
    return value


DEBUG = env_bool("DEBUG", False)
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", LOCAL_HOSTS)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # A local run (tests, make run, the CLI) may use a throwaway key; anything served to other
    # hosts must bring its own.
    if set(ALLOWED_HOSTS) - set(LOCAL_HOSTS):
        raise ImproperlyConfigured("SECRET_KEY must be set when ALLOWED_HOSTS names real hosts.")
    SECRET_KEY = "insecure-local-only-key-set-SECRET_KEY-for-any-deployment"  # noqa: S105
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc, served from our static files
    "factcheck.newsrooms",
    "factcheck.drafts",
    "factcheck.claims",
    "factcheck.history",
    "factcheck.reviews",
    "factcheck.notifications",
    "factcheck.sources",
    "factcheck.insights",
    "factcheck.publishing",
    "factcheck.webhooks",
    "factcheck.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'factcheck.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and not DATABASES["default"]["CONN_MAX_AGE"]
    and env_int("DB_POOL_MAX_SIZE", 20) > 0
):
    # A pool per process (psycopg_pool): Celery closes the connection after every task, and a
    # new PostgreSQL connection costs more CPU than a whole lookup's queries. A lookup gives
    # its connection back while it waits on the network, so threads far outnumber connections.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN_SIZE", 2),
        "max_size": env_int("DB_POOL_MAX_SIZE", 20),
        "timeout": env_int("DB_POOL_TIMEOUT", 30),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARED_STATEMENTS", True
):
    # Parameters bound by the server, and a statement run a few times on a connection is
    # prepared once: PostgreSQL then skips parsing and planning it (a third of a simple query's
    # time on this desk's clicks). Off for a transaction-mode pooler such as PgBouncer < 1.21.
    # A query whose best plan depends on its values (the review queue) asks for its own plan
    # each time: factcheck.prepared.fresh_plans. DB_PLAN_CACHE_MODE sets it for every query.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=env_int("DB_PREPARE_THRESHOLD", 2),
        options="-c plan_cache_mode=" + env_str("DB_PLAN_CACHE_MODE", "auto"),
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's ModelBackend, with the request's user read by a prepared query (factcheck/auth.py).
AUTHENTICATION_BACKENDS = ["factcheck.auth.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start when it is missing

# Drafts: the largest upload or paste we accept. Django's own limits sit a little above it so
# that our clear message, not a bare 400, answers anything up to the limit plus form overhead.
DRAFT_MAX_BYTES = env_int("DRAFT_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = DRAFT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Where uploads over FILE_UPLOAD_MAX_MEMORY_SIZE wait while a request is read (removed at its
# end, on every path); the system's temporary folder when empty. See docs/uploads.md.
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR", "") or None
# Reference library PDFs are read by a worker in a child process bounded in memory (address
# space) and time; a PDF over either ends "failed" with a clear message (docs/uploads.md).
LIBRARY_PDF_MEMORY_MB = env_int("LIBRARY_PDF_MEMORY_MB", 768)
LIBRARY_PDF_TIMEOUT_SECONDS = env_seconds("LIBRARY_PDF_TIMEOUT_SECONDS", 60)
# Drafts imported from a link (factcheck/fetch.py): one GET, in the web request for now, so
# bounded by a connect and a total time limit; the body by DRAFT_MAX_BYTES.
DRAFT_FETCH_CONNECT_SECONDS = env_seconds("DRAFT_FETCH_CONNECT_SECONDS", 5)
DRAFT_FETCH_TIMEOUT_SECONDS = env_seconds("DRAFT_FETCH_TIMEOUT_SECONDS", 10)
DRAFT_FETCH_USER_AGENT = env_str(
    "DRAFT_FETCH_USER_AGENT",
    "factcheck/0.1 (newsroom fact-check desk; fetches a page an editor linked to; "
    "contact: factcheck@localhost)",
)
# For tests only: addresses or networks a link may reach although they are private, on any
# port (the stub server on 127.0.0.1). Empty by default; refused where real hosts are served.
DRAFT_FETCH_ALLOW_ADDRESSES = env_networks("DRAFT_FETCH_ALLOW_ADDRESSES")
if DRAFT_FETCH_ALLOW_ADDRESSES and set(ALLOWED_HOSTS) - set(LOCAL_HOSTS):
    raise ImproperlyConfigured(
        "DRAFT_FETCH_ALLOW_ADDRESSES lets links reach private addresses and is for tests only; "
        "unset it where ALLOWED_HOSTS names real hosts."
    )

# Webhooks (factcheck/webhooks): each delivery is one POST, bounded by a connect and a total time
# limit, retried with exponential backoff and jitter (base * 2**n seconds, at most the cap) on
# connection errors, time-outs, 5xx and 429, up to WEBHOOK_MAX_ATTEMPTS attempts in all.
WEBHOOK_CONNECT_SECONDS = env_seconds("WEBHOOK_CONNECT_SECONDS", 5)
WEBHOOK_TIMEOUT_SECONDS = env_seconds("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
if WEBHOOK_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        f"WEBHOOK_MAX_ATTEMPTS must be 1 or more, got {WEBHOOK_MAX_ATTEMPTS}"
    )
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30)
WEBHOOK_BACKOFF_MAX_SECONDS = env_int("WEBHOOK_BACKOFF_MAX_SECONDS", 3600)
WEBHOOK_USER_AGENT = env_str(
    "WEBHOOK_USER_AGENT",
    "factcheck-webhooks/0.1 (newsroom fact-check desk; contact: factcheck@localhost)",
)
# For tests only, as DRAFT_FETCH_ALLOW_ADDRESSES: addresses a webhook may target although they
# are private, over http and on any port (the stub receiver on 127.0.0.1).
WEBHOOK_ALLOW_NETWORKS = env_networks("WEBHOOK_ALLOW_NETWORKS")
if WEBHOOK_ALLOW_NETWORKS and set(ALLOWED_HOSTS) - set(LOCAL_HOSTS):
    raise ImproperlyConfigured(
        "WEBHOOK_ALLOW_NETWORKS lets webhooks reach private addresses and is for tests only; "
        "unset it where ALLOWED_HOSTS names real hosts."
    )

# Django's database sessions, read by a prepared query (factcheck/sessions.py).
SESSION_ENGINE = "factcheck.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factcheck@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")  # for links in emails

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport, which needs no
# server and works across the web and worker processes of one machine.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task a killed worker held unacknowledged goes back to the queue after this long. It
    # must outlast the longest task plus its retry countdown (lookups: 90 s + 30 s).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300)
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
    }
    for _folder in ("queue", "control", "processed"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
# The cache holds source answers (with a TTL) and the per-source rate-limit counters, so the web
# server and every worker must share it: Redis when there is one, files under var/ otherwise.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Source lookups: answers cached this long; each source's timeout, requests per second and
# attempts; where the outside services live (tests point these at a stub on 127.0.0.1).
LOOKUP_CACHE_SECONDS = env_int("LOOKUP_CACHE_SECONDS", 6 * 3600)
LOOKUP_TIMEOUT_SECONDS = env_int("LOOKUP_TIMEOUT_SECONDS", 10)
LOOKUP_MAX_ATTEMPTS = env_int("LOOKUP_MAX_ATTEMPTS", 3)
LOOKUP_RATE_PER_SECOND = env_int("LOOKUP_RATE_PER_SECOND", 50)
WIKIPEDIA_API_URL = env_str("WIKIPEDIA_API_URL", "https://{lang}.wikipedia.org/w/api.php")
FACTCHECK_API_URL = env_str(
    "FACTCHECK_API_URL", "https://factchecktools.googleapis.com/v1alpha1/claims:search"
)
LOOKUP_USER_AGENT = env_str(
    "LOOKUP_USER_AGENT", "factcheck/0.1 (newsroom fact-check desk; contact: factcheck@localhost)"
)

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # httpx logs every request's full URL at INFO: claim text, and Fact Check Tools' API key.
    "loggers": {"httpx": {"level": "WARNING"}},
}

# Drafts of up to this many units are analysed while they are imported; larger ones by the
# Celery task after the import commits. The analysis costs a few ms a unit (an encoder and a
# parse), so 60 units keep the import of a short story well under a second.
ANALYSIS_INLINE_MAX_UNITS = env_int("ANALYSIS_INLINE_MAX_UNITS", 60)


# The REST API (factcheck/api, docs/api.md): bearer tokens only (no session, so no CSRF to
# think about), JSON in and out (files as multipart), one error shape, limits per token.
def env_rate(name: str, default: str) -> str:
    """A DRF rate: ``N/second``, ``N/minute``, ``N/hour`` or ``N/day``."""
    value = env_str(name, default).strip()
    count, _, period = value.partition("/")
    if not count.isdigit() or int(count) <= 0 or period not in {"second", "minute", "hour", "day"}:
        raise ImproperlyConfigured(f"{name} must look like 600/minute, got {value!r}")
    return value


API_RATE_PER_TOKEN = env_rate("API_RATE_PER_TOKEN", "600/minute")
# A token's last use is written at most this often (not on every request).
API_TOKEN_TOUCH_SECONDS = env_seconds("API_TOKEN_TOUCH_SECONDS", 60)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["factcheck.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["factcheck.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "factcheck.api.pagination.Pagination",
    "EXCEPTION_HANDLER": "factcheck.api.errors.exception_handler",
    # drf-spectacular's, with the paginated lists and the error envelope (factcheck/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "factcheck.api.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "The fact-check desk from outside: push drafts, read their claims and "
    "clearance. Every request carries `Authorization: Bearer <token>`; see docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs' scripts and styles from our static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would otherwise send the schema to validator.swagger.io for its badge.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH here is not DRF's partial update: its serializer's required fields (the version
    # read) are required, so the schema must not document a "Patched…" body with none required.
    "COMPONENT_SPLIT_PATCH": False,
}
