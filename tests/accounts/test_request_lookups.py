"""What every request of a logged-in user reads — its session, its user, its second-factor
device — compiled once, with the same refusals as Django's and django-otp's own lookups."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.backends import DJANGO_PASSWORD_BACKEND, PASSWORD_BACKEND, PasswordBackend
from relais.accounts.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def referent():
    return MembershipFactory(role=Role.REFERENT).user


def test_the_backend_reads_an_active_user_and_refuses_the_rest(referent):
    backend = PasswordBackend()
    assert backend.get_user(str(referent.pk)) == referent
    assert backend.get_user(referent.pk + 1000) is None
    assert backend.get_user("pas-un-nombre") is None
    assert backend.get_user(None) is None
    referent.is_active = False
    referent.save()
    assert backend.get_user(str(referent.pk)) is None


def test_logging_in_stores_the_backend_that_reads_the_user_back(client, referent):
    login_verified(client, referent)
    row = Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    assert row.get_decoded()["_auth_user_backend"] == PASSWORD_BACKEND
    assert PASSWORD_BACKEND in settings.AUTHENTICATION_BACKENDS
    assert client.get("/compte/").status_code == 200


def test_each_lookup_is_one_query_per_request(client, referent):
    login_verified(client, referent)
    client.get("/compte/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/compte/").status_code == 200
    tables = ("django_session", "accounts_user", "otp_totp_totpdevice")
    for table in tables:
        reads = [
            q for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
        ]
        assert len(reads) == 1, table


def test_a_device_of_another_user_or_unconfirmed_does_not_verify(client, referent):
    login_verified(client, referent)
    assert client.get("/compte/").status_code == 200
    stranger = TOTPDevice.objects.create(user=UserFactory(), name="Autre", confirmed=True)
    session = client.session
    session["otp_device_id"] = stranger.persistent_id
    session.save()
    response = client.get("/compte/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/code/")
    assert "otp_device_id" not in client.session

    login_verified(client, referent)
    TOTPDevice.objects.filter(user=referent).update(confirmed=False)
    assert client.get("/compte/").status_code == 302


def test_a_deleted_device_does_not_verify(client, referent):
    login_verified(client, referent)
    TOTPDevice.objects.filter(user=referent).delete()
    response = client.get("/compte/")
    assert response.status_code == 302


def test_a_forged_device_id_does_not_verify(client, referent):
    login_verified(client, referent)
    for forged in ("otp_totp.totpdevice/abc", "otp_totp.totpdevice/", "inconnu.modele/1", "x"):
        session = client.session
        session["otp_device_id"] = forged
        session.save()
        assert client.get("/compte/").status_code == 302, forged


def test_the_migration_moves_open_sessions_to_the_new_path(referent):
    migration = importlib.import_module("relais.accounts.migrations.0007_sessions_password_backend")
    old = SessionStore()
    old.update({"_auth_user_id": str(referent.pk), "_auth_user_backend": DJANGO_PASSWORD_BACKEND})
    old.create()
    other = SessionStore()
    other.update({"_auth_user_id": "1", "_auth_user_backend": "autre.Backend", "x": 1})
    other.create()
    migration.forwards(apps, None)
    assert SessionStore(old.session_key).load() == {
        "_auth_user_id": str(referent.pk),
        "_auth_user_backend": PASSWORD_BACKEND,
    }
    assert SessionStore(other.session_key).load()["_auth_user_backend"] == "autre.Backend"
    migration.backwards(apps, None)
    assert SessionStore(old.session_key).load()["_auth_user_backend"] == DJANGO_PASSWORD_BACKEND
