"""Benchmark (`make bench`): production behaviour, served by gunicorn on loopback.

Same as production (DEBUG off, manifest static files, database tasks, journal guard in
logging mode, second factor required) except what a loopback benchmark cannot
have: plain HTTP (no SSL redirect, no secure-only cookies), 127.0.0.1 as the only host,
and every file under RELAIS_VAR_DIR (a temporary directory made by bench/run.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # bench/run.py generates a random key for each run.
    raise ImproperlyConfigured("La variable d'environnement SECRET_KEY est obligatoire.")

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
RELAIS_OTP_REQUIRED = True
RELAIS_JOURNAL_STRICT = False

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "files"},
    },
    # Production's manifest (hashed names, same `{% static %}` lookups) without its gzip and
    # brotli copies: compressing every DSFR file took 20 to 90 s of each run, and the
    # benchmark requests pages, not static files.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The CPU time of each request next to its wall-clock time (Server-Timing: cpu;dur=…): on a
# shared machine, wall-clock times grow with the load of other processes, CPU times hardly.
# The raw time of a page's own SQL on request (X-Bench-Sql-Replay, bench/middleware.py).
MIDDLEWARE = [
    "bench.middleware.CpuTimingMiddleware",
    "bench.middleware.SqlReplayMiddleware",
    *MIDDLEWARE,  # noqa: F405
]

# The benchmark sends a few hundred API requests a minute with one token, over the quota a
# client gets (RELAIS_API_RATE): the throttle still runs (its cost is measured), it just
# never refuses.
RELAIS_API_RATE = "1000000/m"
RELAIS_API_ANON_RATE = "1000000/m"
