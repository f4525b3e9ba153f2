"""Local development and the demo served by `make run`."""

import secrets

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, VAR_DIR, env_bool

DEBUG = True
VAR_DIR.mkdir(parents=True, exist_ok=True)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def _local_secret_key() -> str:
    """A random key generated once per checkout and kept in a git-ignored file."""
    path = BASE_DIR / ".local-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret_key()
RELAIS_OTP_REQUIRED = env_bool("RELAIS_OTP_REQUIRED", True)
RELAIS_JOURNAL_STRICT = True

# Static files straight from the apps (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks (e-mails) are rows run by the worker that `make run` starts beside the web server
# (manage.py db_worker); e-mails are printed on that worker's console.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A demo's new diagnostic shows in the territory's observed needs within half a minute.
RELAIS_NEEDS_REFRESH_DELAY = 30
