"""The person's space in the API: status and document requests, same rules as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.person_space.models import DocumentRequest
from relais.person_space.services import message_from_person
from tests.factories import MembershipFactory, PersonFactory, co_follower
from tests.factories.person_space import SpaceAccessFactory

pytestmark = pytest.mark.django_db


def _path(person, tail="space"):
    return f"/api/v1/organisations/{person.organisation_id}/persons/{person.pk}/{tail}"


def test_status(referent_api, organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent)
    response = referent_api.get(_path(person))
    assert response.status_code == 200
    assert response.json()["open"] is False
    access = SpaceAccessFactory(person=person)
    message_from_person(access=access, body="Bonjour")
    data = referent_api.get(_path(person)).json()
    assert data["open"] is True
    assert data["channel"] == "email"
    assert data["unread_messages"] == 1


def test_document_request(referent_api, organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent)
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = referent_api.post(
        _path(person, "space/document-requests"), {"title": "CV", "kind": "cv", "due_on": due}
    )
    assert response.status_code == 201
    assert response.json()["status_label"] == "À déposer"
    assert DocumentRequest.objects.get().requested_by == referent


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"title": "CV", "kind": "cv", "due_on": "2001-01-01"}, 400),
        ({"title": "CV", "kind": "passeport", "due_on": "2099-01-01"}, 400),
        ({"title": "CV", "kind": "cv"}, 422),
        ({"title": "CV", "kind": "cv", "due_on": "2099-01-01", "extra": 1}, 422),
    ],
)
def test_bad_input(referent_api, organisation, referent, payload, status):
    person = PersonFactory(organisation=organisation, referent=referent)
    response = referent_api.post(_path(person, "space/document-requests"), payload)
    assert response.status_code == status
    assert not DocumentRequest.objects.exists()


def test_outsiders(api_client_for, organisation):
    person = PersonFactory(organisation=organisation)
    other = MembershipFactory(role="manager")
    response = api_client_for(other.user).get(
        f"/api/v1/organisations/{other.organisation_id}/persons/{person.pk}/space"
    )
    assert response.status_code == 404
    member = co_follower(person)
    response = api_client_for(member.user).get(
        f"/api/v1/organisations/{member.organisation_id}/persons/{person.pk}/space"
    )
    assert response.status_code == 404
    staff = MembershipFactory(organisation=organisation, role="staff")
    assert api_client_for(staff.user).get(_path(person)).status_code == 403


def test_document_request_once_per_idempotency_key(referent_api, organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent)
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    payload = {"title": "CV", "kind": "cv", "due_on": due}
    headers = {"Idempotency-Key": "demande-cv-1"}
    first = referent_api.post(_path(person, "space/document-requests"), payload, headers=headers)
    again = referent_api.post(_path(person, "space/document-requests"), payload, headers=headers)
    assert first.status_code == 201
    assert again.status_code == 409
    assert f"n° {first.json()['id']}" in again.json()["detail"]
    assert DocumentRequest.objects.count() == 1
