"""Test settings: fast hashing, in-memory e-mail, strict journal guard."""

from config.settings.base import *  # noqa: F403
from config.settings.base import database_from_env

SECRET_KEY = "tests-only-secret-key-not-for-any-real-use-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": database_from_env(":memory:")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Tests never need a commit to survive a crash: not waiting for the WAL's flush at each
    # commit saves the browser tests (every request commits) most of their waits on disk.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
RELAIS_SMS_BACKEND = "relais.core.sms.MemoryBackend"
RELAIS_BASE_URL = "http://testserver"
RELAIS_OTP_REQUIRED = True
RELAIS_JOURNAL_STRICT = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files straight from the apps (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
