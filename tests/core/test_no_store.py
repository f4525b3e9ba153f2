"""Pages and API answers may carry personal data: nothing keeps them in a cache."""

from __future__ import annotations

import pytest
from django.test import Client

from relais.accounts import services
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_person_page_is_not_stored(referent_client, referent, organisation):
    person = PersonFactory(organisation=organisation, referent=referent)
    response = referent_client.get(f"/personnes/{person.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_api_answer_is_not_stored(referent, organisation):
    PersonFactory(organisation=organisation, referent=referent)
    _token, raw = services.api_token_create(user=referent, name="Tests")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get(
        f"/api/v1/organisations/{organisation.pk}/persons"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_the_login_page_and_errors_are_not_stored_either(client):
    assert "no-store" in client.get("/connexion/")["Cache-Control"]
    assert client.get("/personnes/999999/")["Cache-Control"] == "no-store"


def test_a_view_s_own_caching_is_kept(client):
    # The health check says never_cache itself: its header is not replaced.
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
