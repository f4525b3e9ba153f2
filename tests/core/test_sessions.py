"""The session is written again only when its expiry is a minute or more behind, and the
30-minute idle timeout still logs the user out (relais.core.sessions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relais.accounts.models import Role
from relais.core.sessions import REFRESH_AFTER
from tests.factories import MembershipFactory
from tests.helpers import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client):
    user = MembershipFactory(role=Role.REFERENT).user
    login_verified(client, user)
    return client


def _row(client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def _age(client, seconds: int) -> None:
    """As if the session had last been written `seconds` ago."""
    row = _row(client)
    row.expire_date = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    row.save()


def test_a_page_right_after_the_last_write_does_not_write_the_session(logged_in):
    _age(logged_in, 5)
    before = _row(logged_in).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert logged_in.get("/compte/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert _row(logged_in).expire_date == before


def test_a_page_a_minute_later_pushes_the_expiry_back_to_thirty_minutes(logged_in):
    _age(logged_in, int(REFRESH_AFTER.total_seconds()) + 5)
    assert logged_in.get("/compte/").status_code == 200
    left = _row(logged_in).expire_date - timezone.now()
    assert left > dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 10)


def test_a_changed_session_is_written_at_once(client):
    user = MembershipFactory(role=Role.REFERENT).user
    other = MembershipFactory(user=user, role=Role.MANAGER)
    login_verified(client, user)
    _age(client, 5)
    before = _row(client).expire_date
    client.post("/structure/changer/", {"organisation": other.organisation_id})
    row = _row(client)
    assert row.expire_date > before
    assert row.get_decoded()["relais_organisation_id"] == other.organisation_id


def test_thirty_minutes_without_activity_end_the_session(logged_in):
    _age(logged_in, settings.SESSION_COOKIE_AGE + 1)
    response = logged_in.get("/compte/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_twenty_nine_minutes_without_activity_do_not(logged_in):
    _age(logged_in, settings.SESSION_COOKIE_AGE - 60)
    assert logged_in.get("/compte/").status_code == 200
    left = _row(logged_in).expire_date - timezone.now()
    assert left > dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 10)


def test_an_anonymous_visit_creates_no_session(client):
    assert client.get("/connexion/").status_code == 200
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert not Session.objects.exists()
