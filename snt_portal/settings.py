"""Settings for SNT Portal, filled from environment variables (see README.md for the table).

With nothing set, the portal runs on its embedded default: an SQLite file and Celery tasks run
in-process. Set DATABASE_URL and REDIS_URL for PostgreSQL and a real broker.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from snt_portal.env import (
    envbool,
    envchoice,
    envfloat,
    envint,
    envlist,
    envmemory,
    envrates,
    envsecret,
    envstr,
    envurl,
)

# Lets admin.ModelAdmin[Model] and QuerySet[Model] be subscripted at run time, for typing.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (or set DEBUG=true for local use)."
        )
    SECRET_KEY = "insecure-local-development-key-not-for-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "snt_portal",
    "wards",
    "engagement",
    "panels",
    "priorities",
    "epic",
    "crime",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs page's Swagger UI, from PyPI
    "api",
    "opendata",
    "privacy",
    "audit",
    "axes",
    "csp",
    # Second factor: authenticator-app codes (snt_portal/otp.py)
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content Security Policy header on every response, error pages included.
    "csp.middleware.CSPMiddleware",
    "snt_portal.middleware.DatabaseUnavailableMiddleware",  # 503 while the database is down
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.otp_device: the verified device (django-otp's, read through the cache)
    "snt_portal.otp.CachedOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session 12 hours (SNT_SESSION_MAX_HOURS) after sign-in, however busy.
    "snt_portal.sessions.AbsoluteSessionLimitMiddleware",
    # Inspectors, managers, analysts and admins: nothing but verifying until they enter a code.
    "snt_portal.otp.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out sign-in into the sign-in page with the lockout message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "snt_portal.urls"
WSGI_APPLICATION = "snt_portal.wsgi.application"

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
                "snt_portal.context_processors.navigation",
            ],
        },
    },
]

# Database: an embedded SQLite file unless DATABASE_URL says otherwise.
_database_url = envurl(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    ("sqlite", "postgres", "postgresql", "pgsql"),
)
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A connection dropped by a database restart is noticed before use, not mid-request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "wards.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: a locked-out username and address is refused before the password is
# checked (snt_portal/sessions.py). See README "Sign-in, sessions and lockout".
AUTHENTICATION_BACKENDS = [
    "snt_portal.sessions.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("SNT_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SNT_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# Username and address together: guessing at one account from one place locks that pair only,
# never everyone behind a police station's shared address, nor the account from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "snt_portal.sessions.lockout_response"
AXES_CLIENT_IP_CALLABLE = "snt_portal.sessions.client_address"

# Second factor (snt_portal/otp.py): the name authenticator apps show for the account, and
# whether a code from a phone whose clock drifts moves the accepted window with it.
OTP_TOTP_ISSUER = "SNT Portal"
OTP_TOTP_SYNC = True
# django-otp's admin shows a device's key (for support); hide it, a key is a password.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions end after SNT_SESSION_IDLE_MINUTES without a request (snt_portal.sessions renews the
# cookie and the stored expiry, at most once a minute) and SNT_SESSION_MAX_HOURS after sign-in,
# whatever the activity.
SNT_SESSION_IDLE_MINUTES = envint("SNT_SESSION_IDLE_MINUTES", 30, minimum=1)
SNT_SESSION_MAX_HOURS = envint("SNT_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SNT_SESSION_IDLE_MINUTES * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# govuk-frontend comes from npm (package-lock.json); its dist folder is served as is.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = "5.8.0"

# Celery: REDIS_URL present means a real broker; absent means tasks run eagerly in-process.
REDIS_URL = envurl("REDIS_URL", "", ("redis", "rediss"))
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 600, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30 if CELERY_TASK_TIME_LIMIT > 60 else None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE

CACHES = {
    "default": (
        {
            "BACKEND": "snt_portal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is unreachable: the cache only saves work (see
            # snt_portal.caching), and a page must not wait on it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# django-ratelimit (the public concern form): a cache outage must not turn the form into an
# error page, so limits fail open. Behind a proxy, name the header holding the client address.
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = envstr("RATELIMIT_IP_META_KEY") or None

# Django REST framework: the authenticated API under /api/v1/ (see api/ and README "The REST
# API"). A device sends "Authorization: Token <key>"; the portal's own pages use the session
# (with CSRF). The token scheme comes first so that a request with neither is told 401 and
# how to authenticate. Only JSON in and out: no browsable API, no form posts.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    # No OPTIONS introspection: what the API offers is the schema, for everyone alike.
    "DEFAULT_METADATA_CLASS": None,
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"api_token_ip": "30/minute", "api_token_user": "10/minute"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Non-ASCII is escaped (\u2026): an error message that repeats a client's invalid text (a
    # lone surrogate) must still encode.
    "UNICODE_JSON": False,
    # ?format= picks among an endpoint's renderers (csv on a dashboard table); an endpoint with
    # one way to answer ignores it, and a table asked for a format it lacks answers 406.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.FormatNegotiation",
}
# drf-spectacular: the OpenAPI 3 schema at /api/schema/ covers the authenticated API only.
SPECTACULAR_SETTINGS = {
    "TITLE": "SNT Portal API",
    "DESCRIPTION": (
        "The authenticated API of the SNT Portal: EPIC activity and engagement events (log, "
        "list, correct, delete as your role allows), priorities and reviews, dashboards and "
        "their tables. Authenticate with `Authorization: Token <key>` (get a key from "
        "`POST /api/v1/auth/token/` or the portal's API token page) or the portal's session "
        "with its CSRF token. You see exactly what the portal's pages show you: a record "
        "outside your area answers 404, one you may see but not change 403."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.schema.authenticated_api_only"],
    "ENUM_NAME_OVERRIDES": {
        "ActivityTypeEnum": "epic.catalogue.LOGGED_CHOICES",
        "CategoryEnum": "epic.catalogue.Category",
        "EventKindEnum": "engagement.models.EventKind",
        "ConcernCategoryEnum": "engagement.concerns.ConcernCategory",
    },
}

# Email
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "SNT Portal <no-reply@snt-portal.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers that hold whatever the deployment.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and envbool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only, unless SECURE_COOKIES=false (plain HTTP on a laptop) or DEBUG says otherwise. The
# container's own health check asks over plain HTTP, so /healthz is never redirected.
SECURE_SSL_REDIRECT = not DEBUG and envbool("SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint(
    "SECURE_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)

# Content Security Policy (django-csp): everything from the portal's own origin, nothing inline
# and no eval, so injected markup cannot run script or restyle a page. The ward map draws the
# wards' own boundaries with no tile server; data: images are GOV.UK Frontend's and Swagger
# UI's small inline icons. SNT_CSP_REPORT_ONLY=true sends the same policy as
# Content-Security-Policy-Report-Only (violations reported, nothing blocked), to trial a change;
# SNT_CSP_REPORT_URI names where browsers send violation reports.
_CSP_REPORT_URI = envurl("SNT_CSP_REPORT_URI", "", ("https", "http"))
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"report-uri": [_CSP_REPORT_URI]} if _CSP_REPORT_URI else {}),
    }
}
if envbool("SNT_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Domain settings.
# Which establishment model this deployment measures strength against ("2007" or "2016").
SNT_ESTABLISHMENT_MODEL = envchoice("SNT_ESTABLISHMENT_MODEL", "2007", ("2007", "2016"))
# Contracted hours per officer per week: the denominator of abstraction rates.
SNT_WEEKLY_HOURS = envint("SNT_WEEKLY_HOURS", 40, minimum=1)
# A key individual not contacted for this many days is due for review (seed 004 §33).
SNT_KIN_REVIEW_DAYS = envint("SNT_KIN_REVIEW_DAYS", 365, minimum=1)
# A KIN flagged for review and still not contacted this many days later is erased.
SNT_KIN_ERASE_AFTER_REVIEW_DAYS = envint("SNT_KIN_ERASE_AFTER_REVIEW_DAYS", 90, minimum=1)
# How long a resident's optional contact details are kept after a public concern submission.
SNT_PUBLIC_CONTACT_DAYS = envint("SNT_PUBLIC_CONTACT_DAYS", 90, minimum=1)
# At most this many priorities are active in a ward at once (seed 004 §68: usually three).
SNT_MAX_ACTIVE_PRIORITIES = envint("SNT_MAX_ACTIVE_PRIORITIES", 3, minimum=1)
# A category held by at least this share of a borough's current wards is flagged for borough
# tasking (seed 004 §83: "the overwhelming majority of wards"; half by default).
SNT_PAN_BOROUGH_THRESHOLD = envfloat("SNT_PAN_BOROUGH_THRESHOLD", 0.5, minimum=0.01, maximum=1.0)
# A panel meeting is quorate, and may close a ballot, with at least this many members recorded
# present: the larger of SNT_PANEL_QUORUM_MIN and this share of its current members, rounded up.
SNT_PANEL_QUORUM_FRACTION = envfloat("SNT_PANEL_QUORUM_FRACTION", 0.5, minimum=0.0, maximum=1.0)
SNT_PANEL_QUORUM_MIN = envint("SNT_PANEL_QUORUM_MIN", 3, minimum=1)
# PostgreSQL work_mem and maintenance_work_mem for a full rollup rebuild (that transaction
# only): enough to aggregate the raw records in memory, about 2GB at 10 million records.
SNT_ROLLUP_WORK_MEM = envmemory("SNT_ROLLUP_WORK_MEM", "1GB")
# The police.uk-shaped open data (opendata/): django-ratelimit rates per client address,
# comma-separated (police.uk's average of 15 requests a second by default), and how long an
# answer may be cached at most (any change to its data retires it sooner).
SNT_OPENDATA_RATE_LIMITS = envrates("SNT_OPENDATA_RATE_LIMITS", "900/m")
SNT_OPENDATA_CACHE_SECONDS = envint("SNT_OPENDATA_CACHE_SECONDS", 3600, minimum=1)
# The largest file a web upload (a borough's EPIC activity CSV) may be, in bytes: checked from
# the request's declared size before the file is read (Django's DATA_UPLOAD_MAX_MEMORY_SIZE does
# not cover files). 2 MB holds the 5,000 rows an upload may have with room to spare.
SNT_UPLOAD_MAX_BYTES = envint("SNT_UPLOAD_MAX_BYTES", 2_000_000, minimum=1_000)
# Where the shared real data lives (wards, boundaries); seed_demo uses it when present.
SNT_SHARED_DATA_DIR = Path(envstr("SNT_SHARED_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))

LOG_LEVEL = envchoice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
