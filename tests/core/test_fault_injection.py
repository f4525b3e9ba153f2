"""Fault injection: a mail server down, the task worker stopped, the database unreachable for
a request. The user's action either succeeds or fails cleanly with a French message, and
nothing is half-written."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from relais.accounts.models import Invitation
from tests.factories import PersonFactory
from tests.helpers import login_verified

pytestmark = pytest.mark.django_db

INVITE = "/structure/membres/"


class Unreachable:
    """A database that refuses every statement (after `allow` of them went through)."""

    def __init__(self, *, allow: int = 0, only: str = "") -> None:
        self.allow, self.only, self.seen = allow, only, 0

    def __call__(self, execute, sql, params, many, context):
        if self.only and not sql.lstrip().upper().startswith(self.only):
            return execute(sql, params, many, context)
        self.seen += 1
        if self.seen > self.allow:
            raise OperationalError("connection refused: the database system is starting up")
        return execute(sql, params, many, context)


@pytest.fixture
def referent_browser(referent):
    client = Client(raise_request_exception=False)
    login_verified(client, referent)
    return client


def test_the_database_unreachable_for_one_request_gives_a_french_503_then_works(
    referent_browser, referent, organisation
):
    person = PersonFactory(organisation=organisation, referent=referent)
    with connection.execute_wrapper(Unreachable()):
        response = referent_browser.get(f"/personnes/{person.pk}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "Service momentanément indisponible" in text
    assert "Rien n'a été enregistré" in text
    assert referent_browser.get(f"/personnes/{person.pk}/").status_code == 200


def test_the_api_answers_a_json_503(referent, organisation):
    from relais.accounts import services

    _token, raw = services.api_token_create(user=referent, name="Outil")
    api = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    with connection.execute_wrapper(Unreachable()):
        response = api.get(f"/api/v1/organisations/{organisation.pk}/persons")
    assert response.status_code == 503
    assert "rien n'a été enregistré" in response.json()["detail"]


def test_a_mail_server_down_never_fails_the_action(
    manager, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.helpers.FailingEmailBackend"
    client = Client(raise_request_exception=False)
    login_verified(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, {"email": "nouvelle@exemple.fr", "role": "referent"})
    assert response.status_code == 302
    assert Invitation.objects.filter(email="nouvelle@exemple.fr").exists()


def test_with_the_worker_stopped_the_action_succeeds_and_the_mail_waits(
    manager, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client(raise_request_exception=False)
    login_verified(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, {"email": "attente@exemple.fr", "role": "referent"})
    assert response.status_code == 302
    assert Invitation.objects.filter(email="attente@exemple.fr").exists()
    assert mailoutbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
