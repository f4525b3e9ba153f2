"""Practice analysis pages: anonymise from a record then save a draft, share with names
left (warned, confirmed), the private journal, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.pathways import practice
from relais.pathways.practice_models import CasePresentation, PresentationStatus
from tests.factories import PersonFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


def test_anonymise_from_a_record(referent_client, organisation):
    person = PersonFactory(
        organisation=organisation,
        birth_name="Bouvier",
        first_names="Amandine",
        birth_date=dt.date(1985, 6, 7),
    )
    response = referent_client.post(
        reverse("practice:presentation_create"),
        {
            "anonymise": "1",
            "title": "Retour à l'emploi",
            "person_number": person.pk,
            "raw": "Amandine Bouvier, née le 07/06/1985, vit avec Jordan.",
        },
    )
    assert response.status_code == 200
    text = response.context["form"].initial["text"]
    assert "Bouvier" not in text and "Amandine" not in text and "1985" not in text
    assert "Jordan" in page_text(response)  # warned: a name is left
    assert AccessLogEntry.objects.filter(
        target_type="people.person", target_id=str(person.pk)
    ).exists()
    assert not CasePresentation.objects.exists()  # nothing stored before the author reads
    response = referent_client.post(
        reverse("practice:presentation_create"),
        {
            "save": "1",
            "title": "Retour à l'emploi",
            "question": "",
            "text": "[Prénom] [Nom] vit avec son fils.",
        },
    )
    assert response.status_code == 302
    assert CasePresentation.objects.get().status == PresentationStatus.DRAFT


def test_unknown_record_number(referent_client):
    response = referent_client.post(
        reverse("practice:presentation_create"),
        {"anonymise": "1", "title": "T", "person_number": 999999, "raw": "Texte."},
    )
    assert "Aucun dossier" in page_text(response)


def test_share_warns_then_confirms(referent_client, organisation, referent):
    presentation = practice.presentation_create(
        organisation=organisation, actor=referent, title="T", text="Elle voit Sofiane."
    )
    url = reverse("practice:presentation", args=[presentation.pk])
    response = referent_client.post(url, {"action": "share"})
    assert "Sofiane" in page_text(response)
    presentation.refresh_from_db()
    assert presentation.status == PresentationStatus.DRAFT
    fingerprint = response.context["names"].fingerprint
    response = referent_client.post(url, {"action": "share", "confirmed": fingerprint})
    assert response.status_code == 302
    presentation.refresh_from_db()
    assert presentation.status == PresentationStatus.SHARED


def test_draft_hidden_from_colleagues(client, organisation, referent, manager):
    presentation = practice.presentation_create(
        organisation=organisation, actor=referent, title="T", text="Texte."
    )
    login_verified(client, manager)
    assert client.get(reverse("practice:presentation", args=[presentation.pk])).status_code == 404


def test_journal_private(client, organisation, referent, manager):
    practice.reflective_entry_add(
        actor=referent, written_on=timezone.localdate(), text="Mon doute du jour"
    )
    login_verified(client, manager)
    assert "Mon doute du jour" not in page_text(client.get(reverse("practice:journal")))


def test_staff_has_no_practice_pages_but_a_journal(client, staff_member):
    login_verified(client, staff_member)
    assert client.get(reverse("practice:home")).status_code == 404
    assert client.get(reverse("practice:journal")).status_code == 200


def test_pages_constant_queries(referent_client, organisation, referent, manager):
    def make(n):
        for i in range(n):
            p = practice.presentation_create(
                organisation=organisation, actor=manager, title=f"P{i}", text="Texte."
            )
            practice.presentation_share(presentation=p, actor=manager)
            practice.peer_session_create(
                organisation=organisation,
                actor=manager,
                held_on=timezone.localdate(),
                presentations=[p],
                attendees=[referent, manager],
            )
            practice.reflective_entry_add(
                actor=referent, written_on=timezone.localdate(), text=f"E{i}"
            )

    make(1)
    urls = [reverse("practice:home"), reverse("practice:journal")]
    for url in urls:
        referent_client.get(url)
    few = [count_queries(lambda u=url: referent_client.get(u)) for url in urls]
    make(5)
    assert [count_queries(lambda u=url: referent_client.get(u)) for url in urls] == few
