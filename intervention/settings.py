"""Settings for the intervention casework service.

Everything comes from the environment. With nothing set, the service runs on its embedded
default (SQLite and kombu's filesystem broker) so that one command starts it on a fresh machine;
with DATABASE_URL and REDIS_URL it runs on PostgreSQL and Redis, as docker compose and CI do.
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from intervention import observability

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def parse_oidc_providers(value: str) -> list[dict[str, str]]:
    """OIDC_PROVIDERS, read and checked: a JSON list of objects, each with a unique short name (used in
    the sign-in address), the label its button shows, the issuer, the client id and secret."""
    if not value.strip():
        return []
    try:
        providers = json.loads(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS must be a JSON list: {error}") from None
    if not isinstance(providers, list) or not all(isinstance(provider, dict) for provider in providers):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of objects")
    checked = []
    for provider in providers:
        missing = [key for key in ("name", "label", "issuer", "client_id", "client_secret") if not provider.get(key)]
        if missing:
            raise ImproperlyConfigured(f"OIDC_PROVIDERS: {provider.get('name', '?')} needs {', '.join(missing)}")
        if not re.fullmatch(r"[a-z0-9-]{1,50}", provider["name"]):
            raise ImproperlyConfigured("OIDC_PROVIDERS: a name is 1 to 50 lower-case letters, digits or hyphens")
        checked.append(
            {
                "scopes": "openid email profile",
                "email_claim": "email",
                "name_claim": "name",
                **{key: str(item) for key, item in provider.items()},
                "issuer": provider["issuer"].rstrip("/"),
            }
        )
    if len({provider["name"] for provider in checked}) != len(checked):
        raise ImproperlyConfigured("OIDC_PROVIDERS: each provider needs its own name")
    return checked


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("TESTING", False)

# A development key is allowed only while DEBUG or TESTING is on: production fails fast.
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 - DEBUG/TESTING only
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SERVICE_NAME = "Children's services intervention casework"
# Who runs the service and how people reach them: the help, feedback, accessibility and privacy pages
# and the footer say these. A deployment must set the contact address (a deploy check says so).
SERVICE_OWNER = env("SERVICE_OWNER", "Department for Education")
SERVICE_CONTACT_EMAIL = env("SERVICE_CONTACT_EMAIL", "casework-support@example.gov.uk" if DEBUG or TESTING else "")
SERVICE_CONTACT_HOURS = env("SERVICE_CONTACT_HOURS", "Monday to Friday, 9am to 5pm (except bank holidays)")
# Where feedback goes: a survey's address if there is one, else the contact address.
FEEDBACK_URL = env("FEEDBACK_URL")
# The data protection officer's address for the privacy notice; the contact address if not set.
DATA_PROTECTION_EMAIL = env("DATA_PROTECTION_EMAIL")
# Deadline reminders go this many days before (DEADLINE_REMINDER_DAYS="14,3"); reminders and
# overdue notices are sent only for moments within the last NOTIFY_WITHIN_DAYS days, so a deadline
# missed long before anyone entered it is shown as missed, not emailed.
REMINDER_DAYS_BEFORE = [int(days) for days in env_list("DEADLINE_REMINDER_DAYS", "14,3")]
NOTIFY_WITHIN_DAYS = env_int("NOTIFY_WITHIN_DAYS", 7)
# DfE's shared mailbox: told of a reminder nobody could be sent when a case has no DfE case lead, and
# of an authority's Ofsted deadlines that belong to no case (reviews.services.deadlines.flag_people).
DFE_MAILBOX = env("DFE_MAILBOX", "")
# The address emails and calendar events link to. `make run` sets it from PORT; a deployment must set
# it (intervention.checks: `check --deploy` fails without it), or links would point at 127.0.0.1.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000" if DEBUG or TESTING else "").rstrip("/")

INSTALLED_APPS = [
    "intervention.apps.CaseworkAdminConfig",  # django.contrib.admin, entered by access, not is_staff
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_structlog",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "intervention",
    "directions",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The policy headers go on every response, static files too (see CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "intervention.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Binds request_id and user_id to every log line of the request and the tasks it enqueues; then the case's id.
    "django_structlog.middlewares.RequestMiddleware",
    "intervention.middleware.CaseLogContextMiddleware",
    # After authentication, so it knows who is signed in; WhiteNoise has already answered for static files.
    "intervention.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "intervention.middleware.SessionTimeoutMiddleware",
    # After the timeouts: a half-finished sign-in (password given, code not yet) reaches only the second step.
    "intervention.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes goes last so that it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "intervention.urls"
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
WSGI_APPLICATION = "intervention.wsgi.application"

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
                "intervention.context_processors.service",
                "reviews.context_processors.your_work",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, or SQLite in var/ as the embedded default.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("CONN_MAX_AGE", 600),
            # A restarted PostgreSQL leaves dead persistent connections: check before reuse.
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",  # type: ignore[typeddict-item]  # Django takes a path here
            # SQLite needs time to wait for the worker's and beat's writes instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # Tests get a file, not Django's shared-cache in-memory database: there, a worker
            # thread's write meets a reader's table lock at once ("database table is locked"),
            # with no busy timeout to wait it out.
            "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts, following DfE's Secure by Design rules: a long password with no complexity rules or
# expiry, lock-out after repeated failures, an idle timeout and an absolute one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "intervention.passwords.PersonSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "intervention.passwords.PredictablePasswordValidator"},
]
# Single sign-on over OpenID Connect (intervention.sso; README "Single sign-on"): OIDC_PROVIDERS is a
# JSON list of providers, each {"name", "label", "issuer", "client_id", "client_secret"} and optionally
# "scopes", "email_claim", "name_claim". None configured (the embedded default): email and password only.
# LOCAL_PASSWORDS=0 switches passwords off, leaving sign-in through the providers alone.
OIDC_PROVIDERS = parse_oidc_providers(env("OIDC_PROVIDERS"))
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", True)
if not LOCAL_PASSWORDS and not OIDC_PROVIDERS:
    raise ImproperlyConfigured("LOCAL_PASSWORDS=0 needs at least one provider in OIDC_PROVIDERS: nobody could sign in")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if LOCAL_PASSWORDS else []),
    # Answers only a configured provider's callback (so with none configured, nothing).
    "intervention.sso.ProviderBackend",
]
# Two locks (intervention.lockout): the account, after AXES_FAILURE_LIMIT wrong passwords from
# anywhere, and the network address, after AXES_ADDRESS_FAILURE_LIMIT failures from it over any
# accounts, which stops password spraying. The address's limit is higher so that an office behind one
# address has headroom, and a person who signs in after a few mistakes takes them off its count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
if not 0 < AXES_FAILURE_LIMIT <= AXES_ADDRESS_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_ADDRESS_FAILURE_LIMIT must be at least AXES_FAILURE_LIMIT, which must be above 0")
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "intervention.lockout.AccountOrAddressHandler"
# Behind proxies the address is read from X-Forwarded-For, trusting the last PROXY_COUNT entries.
PROXY_COUNT = env_int("PROXY_COUNT", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0)
AXES_CLIENT_IP_CALLABLE = "intervention.lockout.client_ip_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Every failed sign-in is kept for the administrators (AccessFailureLog), not only the running count.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The admin shows axes's records to superusers only (intervention.admin_lockout).
AXES_ENABLE_ADMIN = False
# A locked account can be unlocked by a link emailed to it, which works once, for this long.
UNLOCK_LINK_MINUTES = env_int("UNLOCK_LINK_MINUTES", 60)
UNLOCK_EMAIL_INTERVAL_MINUTES = 5

# The second factor (intervention.two_factor): who must use an authenticator app at sign-in. Kinds of
# person: "administrator", "dfe", "commissioner", "adviser", "council". Anyone may set one up; once set
# up, it is asked for at every sign-in.
TWO_FACTOR_REQUIRED_FOR = frozenset(env_list("TWO_FACTOR_REQUIRED_FOR", "administrator,dfe,commissioner,adviser"))
TWO_FACTOR_KINDS = frozenset({"administrator", "dfe", "commissioner", "adviser", "council"})
if not TWO_FACTOR_REQUIRED_FOR <= TWO_FACTOR_KINDS:
    raise ImproperlyConfigured(f"TWO_FACTOR_REQUIRED_FOR may name only {', '.join(sorted(TWO_FACTOR_KINDS))}")
OTP_TOTP_ISSUER = "Intervention casework"
RECOVERY_CODE_COUNT = 10
# Password reset and invitation links: single use, and expiring after this long.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)

SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=min(env_int("SESSION_ABSOLUTE_HOURS", 12), 12))
# Pages warn this long before the idle timeout, with a button to stay signed in (WCAG 2.2.1 asks for at
# least 20 seconds; GOV.UK services give 2 minutes).
SESSION_TIMEOUT_WARNING_SECONDS = env_int("SESSION_TIMEOUT_WARNING_SECONDS", 120)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Production hardening: on unless DEBUG, so `check --deploy` passes with production settings.
SECURE_HSTS_SECONDS = 0 if DEBUG or TESTING else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
# Health checks come over plain HTTP from inside the deployment.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/live/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not (DEBUG or TESTING))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: scripts, stylesheets, images, fonts and the
# report page's status requests from this site only, nothing inline (the templates have no inline
# script, style element or style attribute, and use no nonce), no plugins, no <base>, no framing. A view
# that sets a stricter policy of its own keeps it: the evidence download sends "default-src 'none'; sandbox".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (intervention.middleware): browser features the service never uses, off for its pages
# and anything they might embed.
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, g:ia"

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk-frontend", BASE_DIR / "node_modules" / "govuk-frontend"),
]
# GOV.UK Frontend's compiled stylesheet asks for its fonts and images at /assets/.
WHITENOISE_ROOT = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
# In development and tests, serve straight from the source folders without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
# Uploaded evidence and generated reports (intervention.files): in S3-compatible object storage when
# OBJECT_STORAGE_BUCKET is set (AWS S3, or any store speaking its API: MinIO, Ceph, an Azure gateway), so
# any number of web and worker processes on any number of machines share them; otherwise in folders
# under MEDIA_ROOT, outside the web root. Either way they have no public address: the permission-checked
# downloads stream them through the app (docs/operations.md says why not signed URLs).
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
OBJECT_STORAGE_BUCKET = env("OBJECT_STORAGE_BUCKET")


def private_files(folder: str, bucket: str = OBJECT_STORAGE_BUCKET) -> dict[str, Any]:
    """A STORAGES entry for one kind of private file, kept under its own folder (or key prefix)."""
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT / folder, "base_url": None},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": folder,
            # Empty for AWS itself; the store's address otherwise (https://minio.internal:9000).
            "endpoint_url": env("OBJECT_STORAGE_ENDPOINT_URL") or None,
            "region_name": env("OBJECT_STORAGE_REGION") or None,
            # Empty to use the machine's role (an instance profile, a pod's service account).
            "access_key": env("OBJECT_STORAGE_ACCESS_KEY_ID") or None,
            "secret_key": env("OBJECT_STORAGE_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,  # were a URL ever asked for, it would be a signed, short-lived one
            "querystring_expire": 60,
            # Some on-premise stores answer only path-style addresses (https://host/bucket/key).
            "addressing_style": env("OBJECT_STORAGE_ADDRESSING_STYLE") or None,
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": private_files("evidence"),
    "reports": private_files("reports"),
    "downloads": private_files("downloads"),  # exports the worker prepared (PreparedDownload)
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "intervention.static_files.StaticFilesStorage"  # WhiteNoise's, its addresses kept
        )
    },
}
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20) * 1024 * 1024
# A spreadsheet of indicator values or plan actions to import (reviews.services.imports).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 5) * 1024 * 1024
# A Word, Excel or PowerPoint file is a zip: what it unpacks to is checked from its directory before
# it is kept (reviews.evidence_checks), so a small upload that unpacks to gigabytes (a zip bomb) is
# refused. Real documents are far inside these; so is a PDF's compressed object streams' total.
EVIDENCE_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
EVIDENCE_MAX_ZIP_ENTRIES = 2000
EVIDENCE_MAX_ZIP_RATIO = 100  # unpacked size over the file's size
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds any one step of talking to the mail server may take: a server that accepts and never
# answers frees the worker after this, and the send is tried again later (intervention.queue).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "intervention-casework@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport in var/, which
# needs no server, so a real worker and beat run on a fresh machine.
CELERY_BROKER_FOLDER = VAR_DIR / "celery" / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
# The embedded default keeps its database and broker in var/: make sure the folders exist.
if not DATABASE_URL or not REDIS_URL:
    for folder in (VAR_DIR, CELERY_BROKER_FOLDER, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        folder.mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# Emails and reports have queues (and, in production, workers) of their own, so a hanging mail
# server never holds up a report nor a long report an email. A worker started without -Q takes all
# three. Which task goes where: intervention.queue.QUEUES.
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("celery", "emails", "reports")]
CELERY_TASK_DEFAULT_QUEUE = "celery"
# A promised side effect (intervention.queue) is tried this many times, with growing waits (about
# 40 minutes in all), then marked failed and shown to DfE on the deadlines page.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
# Reports go to the "reports" queue (docs/operations.md), whichever way they are sent.
CELERY_TASK_ROUTES = {"reviews.generate_report_version": {"queue": "reports"}}
# Every worker also consumes a queue of its own (<hostname>.dq), so that its health check
# (`manage.py healthcheck worker`) can hand it a heartbeat task and see it done: work done, not a ping.
CELERY_WORKER_DIRECT = True
# Beat sends a heartbeat task every minute; /health/ answers 503 once the last one done is older than this.
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env_int("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", 300)

# Structured logs (intervention.observability): JSON a line in production (LOG_FORMAT=json), readable
# lines in development and tests, each with request_id, user_id and case_id, carried into Celery tasks.
LOG_FORMAT = env("LOG_FORMAT", "plain" if DEBUG or TESTING else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = observability.logging_config(level=env("LOG_LEVEL", "INFO"), json=LOG_FORMAT == "json")
observability.configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# A proxy's X-Request-ID (when BEHIND_TLS_PROXY) ties the proxy's log line to ours.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env_bool("BEHIND_TLS_PROXY", False)

# Errors to Sentry (or a Sentry-compatible service) when SENTRY_DSN is set, with personal data scrubbed.
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN and not TESTING:
    observability.init_sentry(dsn=SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", "production"))

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if not REDIS_URL:
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# History is read, never replayed: a revert would bypass the services' rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Reports: WeasyPrint runs in the worker, never in a request. A rendering that runs past the soft
# limit is stopped and shown as failed with a retry; the hard limit kills the child process. Each
# worker child's data segment is capped (REPORT_WORKER_MEMORY_LIMIT_MB, 0 for no cap) so a hostile
# document cannot take the machine's memory, and a child that grew past the recycle size is replaced.
REPORT_SOFT_TIME_LIMIT_SECONDS = env_int("REPORT_SOFT_TIME_LIMIT_SECONDS", 60)
REPORT_TIME_LIMIT_SECONDS = env_int("REPORT_TIME_LIMIT_SECONDS", 90)
REPORT_WORKER_MEMORY_LIMIT_MB = env_int("REPORT_WORKER_MEMORY_LIMIT_MB", 2048)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD_KB", 1_000_000)
# The read-only API (issue 16, intervention/api.py, reviews/views/api.py): bearer tokens only (no
# session, so no cross-site requests), reading only, JSON only, cursor pages, the dashboard's filters.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["intervention.api.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["intervention.api.ReadOnlyForTokenHolders"],
    "DEFAULT_PAGINATION_CLASS": "intervention.api.Cursor",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Children's services intervention casework: read-only API",
    "DESCRIPTION": (
        "What DfE's analysts and the department's other systems may read. Every endpoint answers only "
        "with what the token's person may see in the service."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
