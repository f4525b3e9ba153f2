"""Production settings refuse to start without their essential environment variables."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

REQUIRED = {
    "SECRET_KEY": "une-cle-de-production-assez-longue-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "relais.example.org, www.relais.example.org",
    "DATABASE_URL": "postgres://relais@db.example.org:5432/relais",
    "RELAIS_BASE_URL": "https://relais.example.org/",
}
SCRIPT = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.DATABASES['default']['ENGINE'])"
)


def run_with(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("missing", list(REQUIRED))
def test_refuses_to_start_without(missing):
    result = run_with({k: v for k, v in REQUIRED.items() if k != missing})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"La variable d'environnement {missing} est obligatoire en production." in result.stderr


def test_blank_value_counts_as_missing():
    result = run_with({**REQUIRED, "SECRET_KEY": "   "})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_starts_with_all_of_them():
    result = run_with(REQUIRED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False ['relais.example.org', 'www.relais.example.org'] django.db.backends.postgresql"
    )
