"""Right-of-access export pages: referent and manager only, journaled as EXPORT."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from relais.core.models import AccessLogEntry, JournalAction
from tests.factories import NoteFactory, OrganisationFactory, PersonFactory
from tests.helpers import login_verified
from tests.pdfs import pdf_title

pytestmark = pytest.mark.django_db


def test_json(referent_client, person, referent):
    NoteFactory(person=person, author=referent, body="Privé <b>", visibility="author")  # own
    response = referent_client.get(f"/personnes/{person.pk}/export.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["Identité et contact"]["Nom de naissance"] == "Dupré"
    assert data["Écrits professionnels"][0]["Contenu"] == "Privé <b>"
    entry = AccessLogEntry.objects.get(action=JournalAction.EXPORT)
    assert entry.person_id == person.pk and "JSON" in entry.summary


def test_pdf(manager_client, person):
    response = manager_client.get(f"/personnes/{person.pk}/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert pdf_title(response.content) == "DUPRÉ Hélène"
    assert AccessLogEntry.objects.get(action=JournalAction.EXPORT).person_id == person.pk


@pytest.mark.parametrize("suffix", ["export.json", "export.pdf"])
def test_staff_denied(staff_client, person, suffix):
    assert staff_client.get(f"/personnes/{person.pk}/{suffix}").status_code == 403
    assert AccessLogEntry.objects.filter(action=JournalAction.DENIED).exists()
    assert not AccessLogEntry.objects.filter(action=JournalAction.EXPORT).exists()


def test_other_organisation_404(referent_client):
    stranger = PersonFactory(organisation=OrganisationFactory())
    assert referent_client.get(f"/personnes/{stranger.pk}/export.pdf").status_code == 404
    assert AccessLogEntry.objects.get(action=JournalAction.DENIED).person_id == stranger.pk


def test_a_colleague_s_export_leaves_out_another_author_s_private_notes(
    referent_client, person, referent, manager
):
    """#11, 4: « Moi seul·e » notes never reach a colleague through an export; the person's
    own copy (art. 15), downloaded by a manager, has them."""
    NoteFactory(
        person=person, author=manager, body="Note privée du responsable", visibility="author"
    )
    NoteFactory(person=person, author=referent, body="Ma note privée", visibility="author")
    colleague = json.loads(referent_client.get(f"/personnes/{person.pk}/export.json").content)
    contents = [n["Contenu"] for n in colleague["Écrits professionnels"]]
    assert contents == ["Ma note privée"]
    assert (
        referent_client.get(f"/personnes/{person.pk}/export.json?pour=personne").status_code == 403
    )
    assert (
        referent_client.get(f"/personnes/{person.pk}/export.pdf?pour=personne").status_code == 403
    )
    manager_client = Client()
    login_verified(manager_client, manager)
    full = json.loads(
        manager_client.get(f"/personnes/{person.pk}/export.json?pour=personne").content
    )
    contents = sorted(n["Contenu"] for n in full["Écrits professionnels"])
    assert contents == ["Ma note privée", "Note privée du responsable"]
    entry = AccessLogEntry.objects.filter(action=JournalAction.EXPORT).latest("pk")
    assert "copie remise à la personne" in entry.summary
