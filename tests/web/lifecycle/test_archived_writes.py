"""A write refused on an archived record that the view does not catch itself: the French
message, journaled as denied, never a server error (relais.web.common.archived)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.core.models import AccessLogEntry, JournalAction
from relais.pathways.models import NoteDraft
from relais.people.models import Person
from tests.factories import PersonFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def archived_with_draft(organisation, manager):
    person = PersonFactory(organisation=organisation, referent=manager)
    NoteDraft.objects.create(person=person, author=manager, data={"body": "En cours"})
    Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())
    return person


def test_a_page_gets_the_message(manager_client, archived_with_draft):
    person = archived_with_draft
    response = manager_client.post(
        f"/personnes/{person.pk}/ecrits/brouillon/supprimer/", follow=True
    )
    assert response.status_code == 200
    assert "Ce dossier est archivé" in page_text(response)
    assert NoteDraft.objects.filter(person=person).exists()
    denied = AccessLogEntry.objects.get(action=JournalAction.DENIED, person_id=person.pk)
    assert denied.summary == "dossier archivé : modification refusée"


def test_a_script_gets_json(manager_client, archived_with_draft):
    person = archived_with_draft
    response = manager_client.post(
        f"/personnes/{person.pk}/ecrits/brouillon/supprimer/", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 409
    assert "archivé" in response.json()["message"]
