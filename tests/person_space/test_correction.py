"""« Demander une correction » from the space: a message to the référent and a rectification
request in the rights register, received today, due in one month, made by the person (no
professional recorded it), journaled once as the person, and handled by managers as any
other request."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from relais.core.errors import DomainError
from relais.core.models import AccessLogEntry
from relais.pathways.checks import add_months
from relais.person_space import services
from relais.person_space.models import Message
from relais.records import rights
from relais.records.models import RequestSource, RequestStatus, RightsRequest
from tests.factories import PersonFactory
from tests.factories.person_space import SpaceAccessFactory, space_client
from tests.helpers import login_verified, page_text, person_page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def access(organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent, email="p@example.org")
    return SpaceAccessFactory(person=person, invited_by=referent)


def test_correction_makes_a_rectification_request(access):
    message, request = services.correction_request_send(
        access=access, body="Mon nom s'écrit avec un accent."
    )
    today = timezone.localdate()
    assert message.topic == "correction"
    request = RightsRequest.objects.get(pk=request.pk)
    assert request.kind == "rectification"
    assert request.person_id == access.person_id
    assert request.organisation_id == access.person.organisation_id
    assert request.received_on == today
    assert request.due_on == add_months(today, 1)
    assert request.source == RequestSource.PERSON_SPACE
    assert request.recorded_by is None
    assert request.details == "Mon nom s'écrit avec un accent."
    entries = AccessLogEntry.objects.filter(person_id=access.person_id, action="create")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor_id is None and entry.actor_email.startswith("personne (espace personnel)")
    assert entry.target_type == "records.rightsrequest"


def test_a_correction_message_goes_through_the_register(access):
    services.message_from_person(access=access, body="Adresse fausse", topic="correction")
    assert RightsRequest.objects.filter(person=access.person, kind="rectification").count() == 1


def test_empty_correction_records_nothing(access):
    with pytest.raises(DomainError, match="Écrivez"):
        services.correction_request_send(access=access, body="   ")
    assert not RightsRequest.objects.exists() and not Message.objects.exists()


def test_a_professional_request_still_needs_its_recorder(organisation):
    person = PersonFactory(organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        RightsRequest.objects.create(
            organisation=organisation,
            person=person,
            kind="rectification",
            received_on=timezone.localdate(),
            due_on=timezone.localdate(),
            details="x",
            source=RequestSource.PROFESSIONAL,
            recorded_by=None,
        )


def test_from_the_page_then_seen_and_closed_by_professionals(
    client, access, referent, manager, referent_client
):
    space_client(client, access)
    response = client.post(reverse("space:rights"), {"body": "Mon adresse a changé"}, follow=True)
    due = add_months(timezone.localdate(), 1)
    assert f"doit vous répondre avant le {due:%d/%m/%Y}" in page_text(response)
    request = RightsRequest.objects.get()
    # The référent sees it on the person's page, marked as made from the space.
    text = person_page_text(referent_client, access.person_id, "conservation")
    assert "Mon adresse a changé" in text and "depuis son espace" in text
    # A manager sees it among the open requests, opens it, and closes it.
    manager_client = client.__class__()
    login_verified(manager_client, manager)
    assert "depuis son espace" in page_text(manager_client.get("/structure/conservation/"))
    detail = page_text(manager_client.get(f"/structure/demandes/{request.pk}/"))
    assert "faite par la personne, depuis son espace personnel" in detail
    assert f"{due:%d/%m/%Y}" in detail
    rights.rights_request_close(request=request, actor=manager, decision=RequestStatus.DONE)
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE and request.closed_by == manager
