"""Settings shared by every environment. Environment-specific modules import from here."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("RELAIS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    # Serves the API docs' Swagger UI from our static files (no CDN, no inline script).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "dsfr",
    "relais.core",
    "relais.accounts",
    "relais.notifications",
    "relais.people",
    "relais.diagnostics",
    "relais.pathways",
    "relais.network",
    "relais.employment",
    "relais.territory",
    "relais.certification",
    "relais.projects",
    "relais.person_space",
    "relais.records",
    "relais.reporting",
    "relais.web",
    "relais.api",
    "relais.demo",
]

MIDDLEWARE = [
    "relais.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "relais.core.middleware.RequestSizeLimitMiddleware",
    "relais.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "relais.core.middleware.NoStoreMiddleware",
    "relais.core.middleware.DatabaseUnavailableMiddleware",
    "relais.core.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "relais.accounts.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "relais.accounts.middleware.SecondFactorMiddleware",
    "relais.accounts.middleware.CurrentOrganisationMiddleware",
    "relais.accounts.middleware.RefusalAlertMiddleware",
    "relais.core.journal.JournalGuardMiddleware",
    "relais.people.archive.ArchiveGuardMiddleware",
    "relais.web.common.archived.ArchivedRecordMiddleware",
    # With DEBUG on (the demo), the French 404 and 500 pages rather than Django's own.
    "relais.web.common.errors.FrenchErrorPagesMiddleware",
    # Axes must be last: it turns a lockout into its French response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "relais.web.context_processors.relais",
            ],
            # `{% url %}` built once per URL name (relais/web/templatetags/fast_url.py).
            "builtins": ["relais.web.templatetags.fast_url"],
        },
    },
]


SQLITE_CACHE_MB = int(os.environ.get("RELAIS_SQLITE_CACHE_MB", "256"))
SQLITE_MMAP_MB = int(os.environ.get("RELAIS_SQLITE_MMAP_MB", "1024"))


def database_from_env(default_sqlite_path: Path) -> dict:
    """SQLite by default (WAL, foreign keys on); PostgreSQL when DATABASE_URL is set."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.postgresql":
            # Settings for short web queries (measured with make bench, docs/performance.md):
            # - no JIT compilation: the caseload's correlated subqueries are cheap per row,
            #   but their estimated total cost crosses jit_above_cost, and compiling them
            #   took about one second per query for a few milliseconds of work;
            # - no parallel workers: starting them cost about 10 ms on queries that take 3.
            options = config.setdefault("OPTIONS", {})
            server = "-c jit=off -c max_parallel_workers_per_gather=0"
            options["options"] = f"{options.get('options', '')} {server}".strip()
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite_path,
        "OPTIONS": {
            # Services own their transactions; IMMEDIATE avoids "database is locked" on
            # read-then-write transactions under concurrent requests.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                # SQLite's default page cache (2 MB) no longer holds what a search reads once
                # the directory has its national size: each connection may keep up to
                # RELAIS_SQLITE_CACHE_MB of pages (used only as it fills) and maps the file
                # into memory (docs/performance.md).
                f"PRAGMA cache_size=-{SQLITE_CACHE_MB * 1024};"
                f"PRAGMA mmap_size={SQLITE_MMAP_MB * 1024 * 1024};"
            ),
        },
    }


DATABASES = {"default": database_from_env(VAR_DIR / "relais.sqlite3")}
# Each server thread keeps its connection between requests (PostgreSQL: set above). With
# SQLite this also keeps its page cache warm and skips the connection set-up (PRAGMAs,
# functions) at every request.
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out account before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "relais.accounts.backends.PasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# CNIL (délibération 2022-100) / ANSSI: at least 12 characters mixing character classes,
# not a common password, not close to the account's own data.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "relais.accounts.validators.CharacterClassesValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

# Sessions end after 30 minutes without activity, and when the browser closes. The session
# is written again when its expiry is a minute or more behind (relais.core.sessions), not at
# every request.
SESSION_ENGINE = "relais.core.sessions"
SESSION_COOKIE_AGE = 30 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "relais_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "relais.web.common.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Brute force: ten failures lock the account for 15 minutes.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "relais.web.common.errors.lockout"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = "Relais"
# Second factor for everyone who can read personal data. Only the local demo may turn it off.
RELAIS_OTP_REQUIRED = True

INVITATION_VALIDITY = timedelta(days=7)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "relais" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Uploaded files live outside the web root and are served only by checked views.
        "OPTIONS": {"location": VAR_DIR / "files"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Documents attached to a person's record (identity papers, certificates, CV…).
RELAIS_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Any request body (a document and the form around it): refused with 413 above this.
RELAIS_MAX_REQUEST_BYTES = int(
    os.environ.get("RELAIS_MAX_REQUEST_BYTES", RELAIS_DOCUMENT_MAX_BYTES + 2 * 1024 * 1024)
)
# API: requests per token, and per address without a valid token (django-ninja throttles).
RELAIS_API_RATE = os.environ.get("RELAIS_API_RATE", "600/m")
RELAIS_API_ANON_RATE = os.environ.get("RELAIS_API_ANON_RATE", "60/m")
# The OpenAPI schema and its documentation: public here (development); production requires
# a signed-in user (config.settings.prod).
RELAIS_API_DOCS_PUBLIC = True
# An account refused access this many times within the window (seconds) raises an alert.
RELAIS_REFUSAL_ALERT_THRESHOLD = 200
RELAIS_REFUSAL_ALERT_WINDOW = 600
# Optional virus scan of uploads by a ClamAV daemon: « unix:/run/clamav/clamd.ctl » or
# « tcp:127.0.0.1:3310 »; empty = no scan (relais.core.antivirus).
RELAIS_CLAMAV_ADDRESS = os.environ.get("RELAIS_CLAMAV_ADDRESS", "")

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "Relais <ne-pas-repondre@relais.localhost>"

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Journal guard: a response that loaded personal data without a journal entry is an error.
RELAIS_JOURNAL_STRICT = False

RELAIS_SITE_NAME = "Relais"
# With DEBUG on, Django's technical 404/500 pages instead of the French ones (developers only).
RELAIS_DEBUG_ERROR_PAGES = env_bool("RELAIS_DEBUG_ERROR_PAGES", False)
# The address users reach Relais at: absolute links in e-mails (invitations, notices) are
# built on it. No trailing slash.
RELAIS_BASE_URL = os.environ.get("RELAIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Seconds before each new attempt at an e-mail that failed (relais.core.mail).
RELAIS_EMAIL_RETRY_DELAYS = (60, 300, 1800, 7200)
# Text messages (relais.core.sms): the console backend prints them; production names the
# class that wraps its operator's API.
RELAIS_SMS_BACKEND = os.environ.get("RELAIS_SMS_BACKEND", "relais.core.sms.ConsoleBackend")

# Referrals (orientations) with no answer after this many days expire (manage.py expire_referrals).
RELAIS_REFERRAL_EXPIRY_DAYS = 30

# Seconds between a diagnostic's write and the refresh of the stored observed needs it
# queues (relais.territory.needs_summary): entries made meanwhile share that one refresh.
RELAIS_NEEDS_REFRESH_DELAY = int(os.environ.get("RELAIS_NEEDS_REFRESH_DELAY", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "relais": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# The lockout is per account (the issue's "ten failures lock the account"): rotating IPs,
# cookies or user agents does not reset it, which is what axes.W006 is about.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
