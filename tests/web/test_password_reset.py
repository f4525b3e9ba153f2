"""Forgotten password: the same answer for known and unknown addresses."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from relais.accounts.models import SecurityEvent
from tests.factories import UserFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

RESET = "/mot-de-passe/oublie/"


def test_form(client):
    response = client.get(RESET)
    assert response.status_code == 200
    assert "Mot de passe oublié" in page_text(response)


def test_same_answer_for_known_and_unknown_addresses(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="connue@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(RESET, {"email": "inconnue@exemple.fr"}, follow=True)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(RESET, {"email": "connue@exemple.fr"}, follow=True)

    assert unknown.redirect_chain == known.redirect_chain == [("/mot-de-passe/oublie/envoye/", 302)]
    assert unknown.status_code == known.status_code == 200
    assert page_text(unknown) == page_text(known)
    assert "Si un compte correspond à cette adresse" in page_text(known)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject == "Réinitialisation de votre mot de passe Relais"


def test_the_link_sets_a_new_password_that_follows_the_rules(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="connue@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "connue@exemple.fr"})
    path = re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(path, follow=True)
    assert "Choisir un nouveau mot de passe" in page_text(form_page)
    set_url = form_page.redirect_chain[-1][0]

    weak = client.post(set_url, {"new_password1": "courtcourt", "new_password2": "courtcourt"})
    assert weak.status_code == 200
    assert "Ce mot de passe est trop court." in page_text(weak)

    done = client.post(
        set_url, {"new_password1": "Nouveau-Secret-2026", "new_password2": "Nouveau-Secret-2026"}
    )
    assert done["Location"] == "/mot-de-passe/nouveau/termine/"
    user.refresh_from_db()
    assert user.check_password("Nouveau-Secret-2026")
    assert SecurityEvent.objects.filter(kind="password_reset_done", user=user).count() == 1
    assert not SecurityEvent.objects.filter(kind="password_reset_done").exclude(user=user)

    reused = client.get(path)
    assert "n'est plus valable" in page_text(reused)


def test_a_failing_mail_server_does_not_change_the_answer(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.helpers.FailingEmailBackend"
    UserFactory(email="connue@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "connue@exemple.fr"})
    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"


def test_the_link_is_made_when_the_e_mail_leaves_not_stored_with_the_task(
    client, settings, django_capture_on_commit_callbacks
):
    """The queued task carries the account's id only: no usable link waits in the task
    table."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    user = UserFactory(email="connue@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "connue@exemple.fr"})
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {"user_id": user.pk}
    assert mail.outbox == []
