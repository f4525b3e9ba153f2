"""An archived record through the API: read, never written."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from relais.diagnostics.models import Diagnostic
from relais.people.models import Person
from tests.api.test_diagnostics_api import new_diagnostic
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent)
    Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())
    return Person.objects.get(pk=person.pk)


class TestArchived:
    def test_the_api_refuses(self, api_client_for, referent, person):
        api = api_client_for(referent)
        person.refresh_from_db()
        response = api.patch(
            f"/api/v1/organisations/{person.organisation_id}/persons/{person.pk}",
            json.dumps({"version": person.version, "usage_name": "Roux"}),
            content_type="application/json",
        )
        assert response.status_code == 400
        assert "archivé" in response.json()["detail"]
        assert Person.objects.get(pk=person.pk).usage_name == ""

    def test_the_api_still_reads(self, api_client_for, referent, person):
        api = api_client_for(referent)
        response = api.get(f"/api/v1/organisations/{person.organisation_id}/persons/{person.pk}")
        assert response.status_code == 200
        assert response.json()["archived_at"]

    def test_a_child_record_is_refused(self, api_client_for, referent, person):
        api = api_client_for(referent)
        response = api.post(
            f"/api/v1/organisations/{person.organisation_id}/persons/{person.pk}/diagnostics",
            new_diagnostic(),
        )
        assert response.status_code == 400
        assert "archivé" in response.json()["detail"]
        assert not Diagnostic.objects.exists()

    def test_the_list_leaves_it_out(self, api_client_for, referent, person):
        api = api_client_for(referent)
        url = f"/api/v1/organisations/{person.organisation_id}/persons"
        assert api.get(url).json()["count"] == 0
        assert api.get(url + "?include_archived=true").json()["count"] == 1
