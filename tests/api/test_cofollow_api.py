"""The API serves the organisation's own records: a co-following professional reaches a
co-followed person's records through the web pages only (404 in the API, journaled)."""

from __future__ import annotations

import pytest
from django.test import Client

from relais.accounts import services
from relais.accounts.models import Membership
from relais.core.models import AccessLogEntry, JournalAction
from tests.factories import DiagnosticFactory, PersonFactory, co_follower

pytestmark = pytest.mark.django_db


def api_client(user) -> Client:
    _token, raw = services.api_token_create(user=user, name="Tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def setting(organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent, birth_name="Vidal")
    diagnostic = DiagnosticFactory(person=person, author=referent)
    member = co_follower(
        person, categories=["identity", "diagnostic", "steps"], domains=["employment"]
    )
    membership = Membership.objects.get(user=member.user)
    return {"person": person, "diagnostic": diagnostic, "member": member, "membership": membership}


def test_person_list_is_the_organisations_own(setting):
    client = api_client(setting["member"].user)
    response = client.get(f"/api/v1/organisations/{setting['membership'].organisation_id}/persons")
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/persons/{person}",
        "/persons/{person}/diagnostics",
        "/diagnostics/{diagnostic}",
    ],
)
def test_co_followed_records_are_404_in_the_api(setting, path):
    client = api_client(setting["member"].user)
    organisation_id = setting["membership"].organisation_id
    url = f"/api/v1/organisations/{organisation_id}" + path.format(
        person=setting["person"].pk, diagnostic=setting["diagnostic"].pk
    )
    response = client.get(url)
    assert response.status_code == 404
    denied = AccessLogEntry.objects.filter(action=JournalAction.DENIED).latest("pk")
    assert denied.organisation_id == setting["person"].organisation_id
    assert denied.actor_organisation_id == organisation_id
