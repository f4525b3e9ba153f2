"""The professional side: the section on the person's page and the management page —
invite (paper code shown once), revoke, document requests, messages — with its rights."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.person_space.models import Cosignature, DocumentRequest, Message, SpaceAccess
from relais.person_space.services import message_from_person
from tests.factories import (
    ContractFactory,
    MembershipFactory,
    PathwayFactory,
    PersonFactory,
    co_follower,
)
from tests.factories.person_space import SpaceAccessFactory
from tests.helpers import count_queries, login_verified, page_text, person_page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent, email="lea@example.org")


def _url(name, person, *args):
    return reverse(f"space_admin:{name}", args=[person.pk, *args])


def test_section_on_the_person_page(referent_client, person):
    text = person_page_text(referent_client, person, "espace-personnel")
    assert "n'a pas d'espace personnel ouvert" in text
    SpaceAccessFactory(person=person)
    assert "pas encore utilisé" in person_page_text(referent_client, person, "espace-personnel")


def test_invite_on_paper_shows_the_code_once(referent_client, person):
    response = referent_client.post(_url("invite", person), {"channel": "paper"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Code à remettre à la personne" in text
    assert "/mon-espace/connexion/papier/" in text
    assert "Code à remettre" not in page_text(referent_client.get(_url("manage", person)))
    assert SpaceAccess.objects.get().channel == "paper"


def test_invite_by_email_and_revoke(referent_client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = referent_client.post(_url("invite", person), {"channel": "email"})
    assert response.status_code == 302
    assert "Pas encore utilisé" in page_text(referent_client.get(_url("manage", person)))
    referent_client.post(_url("revoke", person))
    assert SpaceAccess.objects.get().revoked_at is not None


def test_invite_errors(referent_client, organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent, email="", phone="")
    response = referent_client.post(_url("invite", person), {"channel": "email"})
    assert response.status_code == 400
    assert "Aucune adresse e-mail dans le dossier" in page_text(response)
    response = referent_client.post(_url("invite", person), {})
    assert "Choisissez comment la personne se connectera." in page_text(response)


def test_document_request_keeps_input_and_reports_errors(referent_client, person):
    response = referent_client.post(
        _url("request_create", person), {"title": "Mon CV", "kind": "", "due_on": "32/13/2026"}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert 'value="Mon CV"' in response.content.decode()
    assert "Le formulaire contient des erreurs" in text
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = referent_client.post(
        _url("request_create", person), {"title": "Mon CV", "kind": "cv", "due_on": due}
    )
    assert response.status_code == 302
    request = DocumentRequest.objects.get()
    referent_client.post(_url("request_cancel", person, request.pk))
    request.refresh_from_db()
    assert request.status == "cancelled"


def test_past_due_date(referent_client, person):
    response = referent_client.post(
        _url("request_create", person), {"title": "CV", "kind": "cv", "due_on": "2001-01-01"}
    )
    assert "La date limite ne peut pas être passée." in page_text(response)


def test_messages_both_ways(referent_client, person):
    access = SpaceAccessFactory(person=person)
    message_from_person(access=access, body="Bonjour, merci !", topic="correction")
    text = page_text(referent_client.get(_url("manage", person)))
    assert "Bonjour, merci !" in text
    assert "Demande de correction du dossier" in text
    assert (
        "message envoyé" in text.lower()
        or "demande de correction du dossier envoyé" in text.lower()
    )
    assert Message.objects.get().read_at is not None
    response = referent_client.post(_url("message", person), {"body": ""})
    assert response.status_code == 400
    referent_client.post(_url("message", person), {"body": "Rendez-vous mardi."})
    assert Message.objects.filter(author_kind="professional").count() == 1


@pytest.mark.parametrize("role", ["staff", "co_follower", "other_org"])
def test_who_may_not_manage(client, person, role):
    if role == "staff":
        user = MembershipFactory(organisation=person.organisation, role="staff").user
    elif role == "co_follower":
        user = co_follower(person).user
    else:
        user = MembershipFactory(role="manager").user
    login_verified(client, user)
    assert client.get(_url("manage", person)).status_code in (403, 404)
    assert client.post(_url("invite", person), {"channel": "paper"}).status_code in (403, 404)
    assert not SpaceAccess.objects.exists()


def test_manage_page_query_count(referent_client, person):
    access = SpaceAccessFactory(person=person)
    contract = ContractFactory(pathway=PathwayFactory(person=person))
    Cosignature.objects.create(
        contract=contract, access=access, method="email", content_hash=contract.content_hash
    )

    def batch(n):
        for i in range(n):
            message_from_person(access=access, body=f"Message {i}")
            DocumentRequest.objects.create(
                person=person,
                title=f"Doc {i}",
                kind="cv",
                due_on=timezone.localdate(),
                requested_by=access.invited_by,
            )

    batch(2)
    referent_client.get(_url("manage", person))
    few = count_queries(lambda: referent_client.get(_url("manage", person)))
    batch(15)
    referent_client.get(_url("manage", person))  # caches warm as for `few`
    many = count_queries(lambda: referent_client.get(_url("manage", person)))
    assert many == few
    text = page_text(referent_client.get(_url("manage", person)))
    assert f"Contrat v{contract.number} signé le" in text


def test_document_request_sent_twice_is_saved_once(referent_client, person):
    page = referent_client.get(_url("manage", person)).content.decode()
    tokens = set(re.findall(r'name="submission" value="([^"]+)"', page))
    assert len(tokens) == 3  # invitation, document request, message
    token = page.split('action="' + _url("request_create", person))[1]
    token = re.search(r'name="submission" value="([^"]+)"', token).group(1)
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    data = {"title": "CV", "kind": "cv", "due_on": due, "submission": token}
    assert referent_client.post(_url("request_create", person), data).status_code == 302
    second = referent_client.post(_url("request_create", person), data, follow=True)
    assert "n'a été enregistré qu'une fois" in page_text(second)
    assert DocumentRequest.objects.count() == 1


def test_consents_decided_in_the_space_name_the_person(referent_client, person, referent):
    """A consent the person gave or withdrew in their space reads « par la personne, depuis
    son espace », not « enregistré par » the professional who opened the space."""
    from relais.person_space import services

    access = SpaceAccessFactory(person=person, invited_by=referent)
    given = services.space_consent_give(access=access, purpose="contact_sms")
    text = person_page_text(referent_client, person, "consentements")
    assert "par la personne, depuis son espace" in text
    assert (
        "enregistré par"
        not in text.split("Consentements en cours", 1)[1].split("Recueillir un consentement", 1)[0]
    )
    withdraw_page = page_text(
        referent_client.get(reverse("people:consent_withdraw", args=[person.pk, given.pk]))
    )
    assert "par la personne, depuis son espace" in withdraw_page
    services.space_consent_withdraw(access=access, consent_id=given.pk)
    history = person_page_text(referent_client, person, "consentements")
    assert history.count("par la personne, depuis son espace") >= 2  # the withdrawal, and the
    # replaced decision in the history
