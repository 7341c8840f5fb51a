"""Settings of osv-agenda, read from the environment.

Defaults are the *embedded* set-up (SQLite + a filesystem Celery broker, no server
needed). Production (``OSV_ENV=production``) refuses unsafe defaults at start-up.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


OSV_ENV = env("OSV_ENV", "embedded")  # embedded | production | test
IS_PRODUCTION = OSV_ENV == "production"

VAR_DIR = Path(env("OSV_VAR_DIR", str(BASE_DIR / "var")))
MEDIA_ROOT = Path(env("OSV_STORAGE_DIR", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: downloads go through permission-checked views
STATIC_ROOT = Path(env("OSV_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_URL = "/static/"
for _folder in (VAR_DIR, MEDIA_ROOT, STATIC_ROOT, VAR_DIR / "broker" / "queue", VAR_DIR / "broker" / "processed", VAR_DIR / "broker" / "control"):
    _folder.mkdir(parents=True, exist_ok=True)

DEFAULT_SECRET_KEY = "embedded-insecure-secret-key-change-me"
SECRET_KEY = env("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", not IS_PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://localhost:8000,http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "viewflow",
    "viewflow.workflow",
    "workflows",
    "registrations",
    "opinions",
    "worker",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "workflows.middleware.ControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workflows.middleware.ActingUserMiddleware",
    "workflows.login_throttle.SerialiseLoginMiddleware",
    "workflows.middleware.NoStoreMiddleware",
    "workflows.middleware.TaskBelongsToProcessMiddleware",
    "workflows.middleware.ViewflowActionGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "workflows.work_surface.ViewflowFrameMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

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
                "workflows.context_processors.region",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'osv.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # web + worker + beat share one file: WAL lets readers run beside the writer,
    # IMMEDIATE transactions take the write lock up front (no lock upgrades that
    # deadlock), the busy timeout waits instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-osv.sqlite3")}
else:
    # Pages and jobs read a page of rows through indexes: a parallel query would start worker
    # processes for it, which costs more than the query (measured at 200 000 processes under
    # load: the queue page's ids query 45 ms with parallel workers, 0.3 ms without). Big
    # reports may raise it per session (OSV_PG_PARALLEL_WORKERS sets the default).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={int(env('OSV_PG_PARALLEL_WORKERS', '0'))}")
    if env_bool("OSV_PGBOUNCER", False):  # transaction pooling (docs/deployment.md)
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("TEST", {})
    if env("OSV_TEST_DB_NAME"):  # parallel test runs on one server each get their own test database
        DATABASES["default"]["TEST"]["NAME"] = env("OSV_TEST_DB_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if OSV_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
# failed logins (django-axes, workflows.login_throttle): 5 for one user name from one address
# lock that pair, 50 from one address lock the address, for 15 minutes; the client address is
# read from X-Forwarded-For only when the request comes from one of OSV_TRUSTED_PROXIES
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
OSV_LOGIN_FAILURE_LIMIT = int(env("OSV_LOGIN_FAILURE_LIMIT", "5"))
OSV_LOGIN_ADDRESS_FAILURE_LIMIT = int(env("OSV_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
OSV_LOGIN_LOCK_MINUTES = int(env("OSV_LOGIN_LOCK_MINUTES", "15"))
OSV_TRUSTED_PROXIES = env_list("OSV_TRUSTED_PROXIES", "")  # e.g. "127.0.0.1,10.0.0.0/24" behind nginx
AXES_FAILURE_LIMIT = OSV_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=OSV_LOGIN_LOCK_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "workflows.login_throttle.AddressLimitHandler"
AXES_CLIENT_IP_CALLABLE = "workflows.login_throttle.client_ip"
AXES_USERNAME_CALLABLE = "workflows.login_throttle.username_key"
AXES_LOCKOUT_CALLABLE = "workflows.login_throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock runs from the last counted failure
AXES_VERBOSE = False
# directory login (Active Directory / LDAP) when OSV_LDAP_SERVER_URI is set: config/ldap.py; needs the
# optional extra `ldap`. Local accounts keep working (embedded default, emergencies).
from config import ldap as _ldap  # noqa: E402

if _ldap.enabled():
    globals().update(_ldap.directory_settings())
    # after axes (which must stay first: it refuses a locked-out login before any password check)
    AUTHENTICATION_BACKENDS = [AUTHENTICATION_BACKENDS[0], "workflows.directory.DirectoryBackend",
                               *AUTHENTICATION_BACKENDS[1:]]
# Django's cache (shared by the web processes: a file cache by default, Redis if given)
if env("OSV_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("OSV_CACHE_URL")}}
elif OSV_ENV == "test":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# --- language, time -------------------------------------------------------------------
LANGUAGE_CODE = "cs"
LANGUAGES = [("cs", "Čeština")]
TIME_ZONE = "Europe/Prague"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]

# --- files ----------------------------------------------------------------------------
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
OSV_UPLOAD_MAX_BYTES = int(env("OSV_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
OSV_UPLOAD_EXTENSIONS = env_list("OSV_UPLOAD_EXTENSIONS", "pdf,docx,doc,odt,jpg,jpeg,png,txt")

# --- e-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if IS_PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "osv-agenda@localhost")
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
# applicants' e-mails go out from a Celery task: retried while the server refuses, in
# OSV_MAIL_RETRY_SECONDS doubling up to OSV_MAIL_RETRY_MAX_SECONDS (kept below the broker's
# visibility timeout), then the beat sweep tries again after OSV_MAIL_RESEND_MINUTES
OSV_MAIL_MAX_RETRIES = int(env("OSV_MAIL_MAX_RETRIES", "10"))
OSV_MAIL_RETRY_SECONDS = int(env("OSV_MAIL_RETRY_SECONDS", "30"))
OSV_MAIL_RETRY_MAX_SECONDS = int(env("OSV_MAIL_RETRY_MAX_SECONDS", "60"))
OSV_MAIL_RESEND_MINUTES = int(env("OSV_MAIL_RESEND_MINUTES", "60"))

# The access log of reads of personal data (workflows.access_log): entries older than this are
# deleted by the nightly beat job osv.purge_access_log. 5 years: long enough to answer a data
# subject's question or the supervisory authority about who read a record during and after
# a proceeding (docs/security.md says why), not kept for ever (storage limitation).
OSV_ACCESS_LOG_RETENTION_DAYS = int(env("OSV_ACCESS_LOG_RETENTION_DAYS", str(5 * 365 + 1)))

# --- Celery ---------------------------------------------------------------------------
# How long the longest worker job may run (document render today; PDF/A conversion and
# signing add to it): a job gets a soft time limit of OSV_JOB_TIME_LIMIT_SECONDS (then it is
# recorded as failed, routed by .OnError), a hard one 10 s later. A job whose worker died is
# back within OSV_BROKER_VISIBILITY_SECONDS (Redis hands the unacknowledged message out again)
# or, whatever the broker, re-sent by the sweep (every OSV_JOB_SWEEP_SECONDS) once it has been
# started or scheduled for OSV_JOB_STUCK_SECONDS: with the defaults, under 2 minutes.
OSV_JOB_TIME_LIMIT_SECONDS = int(env("OSV_JOB_TIME_LIMIT_SECONDS", "75"))
OSV_JOB_STUCK_SECONDS = int(env("OSV_JOB_STUCK_SECONDS", str(OSV_JOB_TIME_LIMIT_SECONDS + 15)))
OSV_JOB_SWEEP_SECONDS = int(env("OSV_JOB_SWEEP_SECONDS", "30"))
OSV_BROKER_VISIBILITY_SECONDS = int(env("CELERY_VISIBILITY_TIMEOUT", str(OSV_JOB_TIME_LIMIT_SECONDS + 15)))
EMBEDDED_BROKER_URL = "filesystem://"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", EMBEDDED_BROKER_URL)
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Redis: an unacknowledged message (its worker was killed) comes back after this many
    # seconds — just above the longest job, so a running job is never handed out twice
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": OSV_BROKER_VISIBILITY_SECONDS,
    }
# the queue tasks go to unless routed elsewhere (two instances can share one Redis)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# the worker keeps its database connection across tasks (Django's CONN_MAX_AGE rule): config/celery.py
CELERY_DB_REUSE_MAX = 2**62
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with "WWW-Authenticate: Token"
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "workflows.api.schema.OsvAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "workflows.api.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "osv-agenda API",
    "DESCRIPTION": "Registr poskytovatelů, stav případů, žádosti o vyjádření a oznámení změn.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,  # the schema does not describe itself
    "ENUM_NAME_OVERRIDES": {"ChangeNoticeItemKindEnum": "registrations.models.ChangeNoticeItem.Kind",
                            "CaseKindEnum": "workflows.agendas.case_kind_choices"},
}

# --- the region and the office ------------------------------------------------------------
OSV_REGION_FILE = env("OSV_REGION_FILE", str(BASE_DIR / "config" / "regions" / "karlovarsky.yaml"))
OSV_NUMBERING_BACKEND = env("OSV_NUMBERING_BACKEND", "local")  # local | manual
OSV_REFERENCE_PATTERN = env("OSV_REFERENCE_PATTERN", "{region}/{seq}/SV/{year}")
OSV_FILE_MARK_PATTERN = env("OSV_FILE_MARK_PATTERN", "SZ {region}/{seq}/SV/{year}")
OSV_JOB_STUCK_MINUTES = int(env("OSV_JOB_STUCK_MINUTES", "10"))
#: the beat's lock needs a session of its own: behind PgBouncer in transaction mode, give it a
#: direct PostgreSQL URL (worker/beat_lock.py)
OSV_BEAT_LOCK_DATABASE_URL = env("OSV_BEAT_LOCK_DATABASE_URL", "")
OSV_BASE_URL = env("OSV_BASE_URL", "http://127.0.0.1:8000")

# company lookup by IČO in ARES (workflows.ares; docs/office-integration.md)
OSV_ARES_ENABLED = env_bool("OSV_ARES_ENABLED", True)
OSV_ARES_URL = env("OSV_ARES_URL", "https://ares.gov.cz/ekonomicke-subjekty-v-be/rest")
OSV_ARES_TIMEOUT = float(env("OSV_ARES_TIMEOUT", "5"))
OSV_ARES_CACHE_SECONDS = int(env("OSV_ARES_CACHE_SECONDS", str(24 * 3600)))

# the national registry's open data (registrations.national_registry): a path or URL of rpss.json,
# imported and reconciled daily by beat at the given time (empty source = the job does nothing)
OSV_NATIONAL_REGISTRY_SOURCE = env("OSV_NATIONAL_REGISTRY_SOURCE", "")
OSV_NATIONAL_REGISTRY_HOUR = int(env("OSV_NATIONAL_REGISTRY_HOUR", "5"))
OSV_NATIONAL_REGISTRY_MINUTE = int(env("OSV_NATIONAL_REGISTRY_MINUTE", "30"))
OSV_NATIONAL_REGISTRY_TIMEOUT = float(env("OSV_NATIONAL_REGISTRY_TIMEOUT", "120"))

# deadline rules (workflows.deadlines reads these; see shared design deadlines.md)
OSV_REMEDY_DEFAULT_DAYS = int(env("OSV_REMEDY_DEFAULT_DAYS", "30"))
OSV_DELIVERY_FICTION_SHIFT = env_bool("OSV_DELIVERY_FICTION_SHIFT", True)
OSV_CHANGE_NOTICE_RULE = env("OSV_CHANGE_NOTICE_RULE", "next_month_15")
OSV_CHANGE_NOTICE_SHIFT = env_bool("OSV_CHANGE_NOTICE_SHIFT", True)
OSV_OPINION_CALL_BUFFER_WORKING_DAYS = int(env("OSV_OPINION_CALL_BUFFER_WORKING_DAYS", "5"))
OSV_OPINION_DRAFT_WORKING_DAYS = int(env("OSV_OPINION_DRAFT_WORKING_DAYS", "3"))
OSV_REMINDER_WORKING_DAYS = tuple(int(x) for x in env_list("OSV_REMINDER_WORKING_DAYS", "5,1"))

# --- converter (workflows.converter): DOCX -> PDF/A-2b with LibreOffice ------------------------
# a persistent unoserver (python -m workflows.converter serve, started by run.sh) when set,
# else one soffice --headless per document with a private profile
OSV_CONVERTER_URL = env("OSV_CONVERTER_URL", "")
OSV_CONVERTER_TIMEOUT = float(env("OSV_CONVERTER_TIMEOUT", "120"))
OSV_SOFFICE = env("OSV_SOFFICE", "")

# --- signature and seal (workflows.signing): pyHanko PAdES B-LT ---------------------------------
OSV_SIGNING_BACKEND = env("OSV_SIGNING_BACKEND", "pkcs12")  # pkcs12 (embedded) | pkcs11 (production HSM)
OSV_SIGNING_PKCS12_DIR = env("OSV_SIGNING_PKCS12_DIR", str(VAR_DIR / "pki" / "p12"))
OSV_SIGNING_PKCS12_PASSWORD = env("OSV_SIGNING_PKCS12_PASSWORD", "")
OSV_PKCS11_MODULE = env("OSV_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
OSV_PKCS11_TOKEN_LABEL = env("OSV_PKCS11_TOKEN_LABEL", "")
OSV_PKCS11_PIN = env("OSV_PKCS11_PIN", "")
OSV_SEAL_LABEL = env("OSV_SEAL_LABEL", "seal")  # key label of the office's electronic seal
OSV_TSA_URL = env("OSV_TSA_URL", "")  # qualified timestamp authority (RFC 3161)
OSV_TSA_TIMEOUT = int(env("OSV_TSA_TIMEOUT", "30"))
OSV_SIGNING_TRUST_ROOTS = env_list("OSV_SIGNING_TRUST_ROOTS", "")  # PEM files of trusted CAs

# --- dispatch (workflows.dispatch): data box (ISDS) or paper -------------------------------------
# off: acts are delivered by hand as before (no PDF/A, signature or data box); see docs/dispatch.md
OSV_DISPATCH_ENABLED = env_bool("OSV_DISPATCH_ENABLED", OSV_ENV != "test")
ISDS_URLS = {"production": "https://ws1.mojedatovaschranka.cz/DS", "test": "https://ws1.czebox.cz/DS"}
OSV_ISDS_ENVIRONMENT = env("OSV_ISDS_ENVIRONMENT", "test")  # test (veřejný test ISDS) | production
OSV_ISDS_URL = env("OSV_ISDS_URL", ISDS_URLS.get(OSV_ISDS_ENVIRONMENT, ISDS_URLS["test"]))
OSV_ISDS_USERNAME = env("OSV_ISDS_USERNAME", "")
OSV_ISDS_PASSWORD = env("OSV_ISDS_PASSWORD", "")
OSV_ISDS_CLIENT_CERT = env("OSV_ISDS_CLIENT_CERT", "")  # "cert.pem,key.pem" for a certificate login
OSV_ISDS_WSDL_DIR = env("OSV_ISDS_WSDL_DIR", "")  # folder with the official WSDL/XSD (default: ours)
OSV_ISDS_TIMEOUT = int(env("OSV_ISDS_TIMEOUT", "60"))
OSV_ISDS_RECOVERY_DAYS = int(env("OSV_ISDS_RECOVERY_DAYS", "30"))  # how far back an interrupted send is looked up
OSV_ISDS_POLL_MINUTES = int(env("OSV_ISDS_POLL_MINUTES", "15"))
OSV_DISPATCH_RETRY_SECONDS = int(env("OSV_DISPATCH_RETRY_SECONDS", "60"))
OSV_DISPATCH_QUEUE = env("OSV_DISPATCH_QUEUE", "")  # Celery queue of the dispatch jobs (default queue if empty)
OSV_DISPATCH_STUCK_MINUTES = int(env("OSV_DISPATCH_STUCK_MINUTES", "10"))

# --- security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts only from our own static files — no inline
# script, no eval; inline styles stay allowed (templates and Viewflow's widgets use style="").
# OSV_CSP_REPORT_URI sends violation reports to the operator's collector.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"report-uri": [env("OSV_CSP_REPORT_URI")]} if env("OSV_CSP_REPORT_URI") else {}),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}


def check_production_safety() -> None:
    """Refuse to start production with the embedded set-up's unsafe defaults."""
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off in production")
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("SECRET_KEY must be set to a long random value")
    if CELERY_BROKER_URL.startswith(("filesystem://", "memory://", "sqla+")):
        problems.append("CELERY_BROKER_URL must point to a real broker (Redis)")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append("DATABASE_URL must point to PostgreSQL")
    if problems:
        raise ImproperlyConfigured("Unsafe production settings: " + "; ".join(problems))


if IS_PRODUCTION:
    check_production_safety()
