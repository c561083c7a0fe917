"""Settings for factcheck, driven by the environment.

Defaults run locally with no services: SQLite and Celery's filesystem broker under ``var/``.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to Redis. A bad value fails loudly.
"""

from __future__ import annotations

import ipaddress
import os
import re
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


# One switch for a real deployment (docs/deploy.md): FACTCHECK_ENV=production turns on HTTPS
# only (HSTS, SSL redirect, secure cookies), WhiteNoise's manifest storage, JSON logs, and
# refuses to start without a real SECRET_KEY and ALLOWED_HOSTS. Anything else is development,
# the zero-setup default that `make run` and the tests use.
FACTCHECK_ENV = env_str("FACTCHECK_ENV", "development").strip().lower()
if FACTCHECK_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"FACTCHECK_ENV must be development or production, got {FACTCHECK_ENV!r}"
    )
PRODUCTION = FACTCHECK_ENV == "production"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when FACTCHECK_ENV=production.")
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", LOCAL_HOSTS)
if PRODUCTION and not set(ALLOWED_HOSTS) - set(LOCAL_HOSTS):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the site's host names when FACTCHECK_ENV=production "
        "(ALLOWED_HOSTS=factcheck.example.org)."
    )
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
    "csp",
    "factcheck.ops",  # the health endpoint, request ids, JSON logs, backup checksums
    # Accounts (docs/accounts.md): login, password reset, email verification, TOTP second
    # factor with recovery codes, OpenID Connect single sign-on.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
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
    # First, so that every log line of the request, the other middleware's included, has its id.
    "factcheck.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "factcheck.ops.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A newsroom that requires 2FA sends a member without it to set it up (docs/accounts.md).
    "factcheck.accounts.middleware.TwoFactorRequiredMiddleware",
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

# allauth's backend (username or email and password), with the request's user read by a prepared
# query (factcheck/auth.py).
AUTHENTICATION_BACKENDS = ["factcheck.auth.ModelBackend"]

# Passwords: Django's four validators. At least PASSWORD_MIN_LENGTH characters (10 or more),
# not too like the username or email, not one of the 20,000 most common, not all digits.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 12)
if PASSWORD_MIN_LENGTH < 10:
    raise ImproperlyConfigured(f"PASSWORD_MIN_LENGTH must be 10 or more, got {PASSWORD_MIN_LENGTH}")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# Accounts through django-allauth (docs/accounts.md).
ACCOUNT_ADAPTER = "factcheck.accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "factcheck.accounts.adapter.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# An address is verified before it is used: it receives password resets and the notifications
# of confidential work. A user whose address is not verified yet is sent a link at login.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner following the link confirms nothing
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# The session cookie lasts until the browser closes; SESSION_COOKIE_AGE caps it server-side.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # the user's other sessions end; this one is rotated
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[factcheck] "
# The user is mailed when their password, address, second factor or SSO link changes: a change
# they did not make is then noticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Open signup is off: a desk is invite-based. OPEN_SIGNUP=1 opens it; an invitation in
# the session opens it for its invitee (factcheck.accounts.adapter, INVITATION_SESSION_KEY).
OPEN_SIGNUP = env_bool("OPEN_SIGNUP", False)
# Login throttling: at most LOGIN_FAILED_PER_HOUR failed attempts an hour for one account and
# for one address (the cache holds the counts: shared across processes, see CACHES below).
LOGIN_FAILED_PER_HOUR = env_int("LOGIN_FAILED_PER_HOUR", 100)
if LOGIN_FAILED_PER_HOUR < 1:
    raise ImproperlyConfigured(
        f"LOGIN_FAILED_PER_HOUR must be 1 or more, got {LOGIN_FAILED_PER_HOUR}"
    )
# Any login (failed or not) from one address: generous, a newsroom shares one address.
LOGIN_RATE_PER_ADDRESS = env_str("LOGIN_RATE_PER_ADDRESS", "300/m/ip").strip()
if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]/ip", LOGIN_RATE_PER_ADDRESS):
    raise ImproperlyConfigured(
        f"LOGIN_RATE_PER_ADDRESS must look like 300/m/ip, got {LOGIN_RATE_PER_ADDRESS!r}"
    )
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{LOGIN_FAILED_PER_HOUR}/h/ip,{LOGIN_FAILED_PER_HOUR}/h/key",
    "login": LOGIN_RATE_PER_ADDRESS,
}
# Behind a reverse proxy, how many proxies' X-Forwarded-For entries to trust for the client's
# address (the per-address limit); 0 reads REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Two-factor authentication: TOTP (any authenticator app) with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "factcheck")
MFA_RECOVERY_CODE_COUNT = 10

# OpenID Connect single sign-on, off unless OIDC_SERVER_URL is set (docs/accounts.md).
OIDC_SERVER_URL = env_str("OIDC_SERVER_URL", "")
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if OIDC_SERVER_URL:
    if not (os.environ.get("OIDC_CLIENT_ID") and os.environ.get("OIDC_CLIENT_SECRET")):
        raise ImproperlyConfigured("OIDC_SERVER_URL needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env_str("OIDC_PROVIDER_ID", "sso"),
                "name": env_str("OIDC_NAME", "Single sign-on"),
                "client_id": env_str("OIDC_CLIENT_ID", ""),
                "secret": env_str("OIDC_CLIENT_SECRET", ""),
                "settings": {
                    "server_url": OIDC_SERVER_URL,
                    "token_auth_method": env_str("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic"),
                },
            }
        ],
        "OAUTH_PKCE_ENABLED": True,
    }
# A first SSO login creates an account only when OIDC_ALLOW_SIGNUP is on (it still belongs to
# no newsroom until an admin adds it); otherwise SSO logs in existing accounts only, matched by
# a verified address when OIDC_EMAIL_AUTHENTICATION is on (trust the provider's addresses).
OIDC_ALLOW_SIGNUP = env_bool("OIDC_ALLOW_SIGNUP", False)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = env_bool("OIDC_EMAIL_AUTHENTICATION", False)
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = SOCIALACCOUNT_EMAIL_AUTHENTICATION
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when missing
# Production serves the files `collectstatic` wrote, under names that carry a hash of their
# content (cached for ever by browsers and proxies) and compressed; a missing file is an error
# at render time rather than a 404 in the browser. Development and the tests read static/ as is.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION or env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

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
# A session ends this long after login, server-side, whatever the cookie (a shared newsroom
# computer); allauth rotates the key at login, Django deletes the row at logout. Default 12
# hours: a working day. The cookie itself ends with the browser (ACCOUNT_SESSION_REMEMBER off);
# SESSION_EXPIRE_AT_BROWSER_CLOSE=1 makes that so for any other login too.
SESSION_COOKIE_AGE = env_seconds("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The pages send the CSRF token in the form or the hx-headers attribute: no script reads it.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS (production): Django redirects plain HTTP and sends HSTS. Behind a reverse proxy that
# ends TLS, the proxy must set SECURE_PROXY_SSL_HEADER's header on every request (overwriting
# what the client sent); set it to an empty value when TLS ends at gunicorn itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's probe may come over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
_proxy_header = env_list(
    "SECURE_PROXY_SSL_HEADER", ["HTTP_X_FORWARDED_PROTO", "https"] if PRODUCTION else []
)
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER must be a header and its value, "
        f"as HTTP_X_FORWARDED_PROTO,https; got {os.environ.get('SECURE_PROXY_SSL_HEADER')!r}"
    )
SECURE_PROXY_SSL_HEADER = (_proxy_header[0], _proxy_header[1]) if _proxy_header else None
# Turning HSTS's subdomains or preload off is a decision for the domain's owner (a shared
# parent domain): `check --deploy` then stops warning about what was decided.
SILENCED_SYSTEM_CHECKS = [
    check
    for check, decided in (
        ("security.W005", PRODUCTION and not SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", PRODUCTION and not SECURE_HSTS_PRELOAD),
    )
    if decided
]

# Content-Security-Policy (django-csp), in every environment so that the tests and the browser
# tests run under it: scripts and styles from our own static files only, no inline script, no
# eval, no plugins, no framing. The API docs (Swagger UI, Redoc) get their own, looser policy
# on their two views only (factcheck/api/urls.py). CSP_REPORT_ONLY=1 sends it as
# Content-Security-Policy-Report-Only instead; CSP_REPORT_URI names where browsers report.
_csp: dict[str, object] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        # Chromium applies form-action to a form's redirects too: a single sign-on button that
        # posts here and is redirected to the identity provider needs its origin listed.
        "form-action": ["'self'", *env_list("CSP_FORM_ACTION_ORIGINS", [])],
        "frame-ancestors": ["'none'"],
        **(
            {"report-uri": [env_str("CSP_REPORT_URI", "")]} if env_str("CSP_REPORT_URI", "") else {}
        ),
    }
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp

# Mail (password resets, address confirmations, notifications): printed to the console unless
# EMAIL_BACKEND names another backend; for SMTP, the server from these (docs/accounts.md).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_seconds("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factcheck@localhost")
# An SMTP server that never answers must not hold a mail worker's thread: below the task's limit.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")  # for links in emails
# How long a newsroom invitation's link works, counted from each email (a resend restarts it).
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
if INVITATION_DAYS < 1:
    raise ImproperlyConfigured(f"INVITATION_DAYS must be 1 or more, got {INVITATION_DAYS}")
# allauth's links in emails sent outside a request (none today) take this scheme.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport, which needs no
# server and works across the web and worker processes of one machine.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task a killed worker held unacknowledged goes back to the queue after this long. It
    # must outlast the longest task plus its retry countdown (lookups: 90 s + 30 s).
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300),
        # A Redis that restarts or vanishes is noticed within seconds, not at the kernel's
        # TCP timeout: the worker then reconnects (CELERY_BROKER_CONNECTION_* below).
        "socket_keepalive": True,
        "socket_timeout": 30,
        "socket_connect_timeout": 5,
        "health_check_interval": 10,
        "retry_on_timeout": True,
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
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis away for a moment costs a call seconds, not a thread for ever; the next
            # call reconnects (the callers treat the cache as optional: see workers.py and
            # sources/backends/base.py).
            "OPTIONS": {
                "socket_timeout": 5,
                "socket_connect_timeout": 2,
                "health_check_interval": 10,
                "retry_on_timeout": True,
            },
        }
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
# One newsroom's share of that: another newsroom always finds requests left.
LOOKUP_NEWSROOM_RATE_PER_SECOND = env_int(
    "LOOKUP_NEWSROOM_RATE_PER_SECOND", max(1, LOOKUP_RATE_PER_SECOND // 2)
)
# A lookup's whole time, every request and wait of it (the rate limit's, a retry's second
# search): past it the lookup stops as a timeout. Below the task's soft time limit (60 s).
LOOKUP_DEADLINE_SECONDS = env_int("LOOKUP_DEADLINE_SECONDS", 30)
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
# Three queues, each read by a worker of its own (make run), so that a long analysis never
# holds up a lookup: lookups (source lookups), analysis (drafts, documents: CPU), mail (email
# and webhooks: what leaves the desk). Every task is routed (tests/test_workers.py checks it).
CELERY_TASK_ROUTES = {
    "factcheck.sources.tasks.parse_library_document": {"queue": "analysis"},
    "factcheck.sources.tasks.*": {"queue": "lookups"},
    "factcheck.insights.tasks.*": {"queue": "analysis"},
    "factcheck.notifications.tasks.*": {"queue": "mail"},
    "factcheck.newsrooms.tasks.*": {"queue": "mail"},
    "factcheck.webhooks.tasks.*": {"queue": "mail"},
}
# A broker away (a Redis restart) is waited for, for ever, by workers and by the web process's
# sends alike; what it lost is sent again by the workers' sweeps (factcheck/workers.py).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# A task whose deliveries never came back this many times (it kills its worker) is not run
# again: it ends failed (factcheck/workers.py).
WORKER_MAX_DELIVERIES = env_int("WORKER_MAX_DELIVERIES", 3)
# How often each worker sends again what waits with its message lost, and how often it looks
# whether the broker's Redis restarted (then at once).
WORKER_SWEEP_SECONDS = env_int("WORKER_SWEEP_SECONDS", 60)
WORKER_BROKER_CHECK_SECONDS = env_int("WORKER_BROKER_CHECK_SECONDS", 5)

# Logs go to standard error, one line a record, each with the id of the request (or Celery
# task) it belongs to (factcheck/ops/logs.py): JSON in production (LOG_FORMAT=json), for a log
# collector; a readable line otherwise (LOG_FORMAT=text).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "factcheck.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "factcheck.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # httpx logs every request's full URL at INFO: claim text, and Fact Check Tools' API key.
    "loggers": {"httpx": {"level": "WARNING"}},
}
# The worker keeps these handlers (so JSON and the task's id in production) instead of
# replacing them with its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = not PRODUCTION and LOG_FORMAT == "text"

# The health endpoint (/healthz, factcheck/ops/health.py): how long a worker has to answer the
# ping, and how long an answer is reused, so that a probe every few seconds costs next to nothing.
HEALTH_WORKER_TIMEOUT_SECONDS = float(env_str("HEALTH_WORKER_TIMEOUT_SECONDS", "1.0"))
HEALTH_CACHE_SECONDS = float(env_str("HEALTH_CACHE_SECONDS", "10"))

# Errors to Sentry, only when a DSN is given; no personal data (no user names, addresses,
# cookies), no request bodies and no local variables: the drafts are confidential.
SENTRY_DSN = env_str("FACTCHECK_SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=FACTCHECK_ENV,
        send_default_pii=False,
        # A stack frame's variables and a request's body would carry draft text to Sentry.
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=float(env_str("FACTCHECK_SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

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
