"""API creates are done once per Idempotency-Key (relais.api.idempotency)."""

from __future__ import annotations

import inspect
import threading

import pytest
from django.db import connection
from django.urls import get_resolver

from relais.accounts import services as services_accounts
from relais.pathways.models import Goal
from tests.api.conftest import ApiClient
from tests.pathways.pathway_helpers import make_pathway

pytestmark = pytest.mark.django_db


def _client(user) -> ApiClient:
    _token, raw = services_accounts.api_token_create(user=user, name="Outil")
    return ApiClient(raw)


def _goals_url(pathway) -> str:
    return f"/api/v1/organisations/{pathway.person.organisation_id}/pathways/{pathway.pk}/goals"


def test_every_api_create_is_idempotent():
    from relais.api.api import api

    operations = [
        operation
        for router_prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        if "POST" in operation.methods and operation.response_models.get(201) is not None
    ]
    assert len(operations) >= 7
    missing = sorted(
        operation.view_func.__name__
        for operation in operations
        if not getattr(operation.view_func, "idempotent", False)
        # Or the create checks the key itself and answers with the record already created.
        and "submit_once(" not in inspect.getsource(operation.view_func)
    )
    assert not missing, f"API creates without Idempotency-Key: {missing}"
    undeclared = sorted(
        operation.view_func.__name__
        for operation in operations
        if getattr(operation.view_func, "idempotent", False)
        and 409 not in operation.response_models
    )
    assert not undeclared, f"API creates whose schema lacks the 409 of a repeat: {undeclared}"
    assert get_resolver()  # the URLconf loads with the decorated operations


def test_a_retried_create_makes_nothing_more(referent):
    pathway = make_pathway(referent)
    client = _client(referent)
    headers = {"Idempotency-Key": "objectif-0001-abcdef"}
    first = client.post(_goals_url(pathway), {"text": "Reprendre confiance"}, headers=headers)
    again = client.post(_goals_url(pathway), {"text": "Reprendre confiance"}, headers=headers)
    assert first.status_code == 201
    assert again.status_code == 409
    assert f"n° {first.json()['id']}" in again.json()["detail"]
    assert Goal.objects.filter(pathway=pathway).count() == 1
    # Without the header, or with another key, it is a new request.
    assert client.post(_goals_url(pathway), {"text": "Autre"}).status_code == 201
    other = {"Idempotency-Key": "objectif-0002-abcdef"}
    assert client.post(_goals_url(pathway), {"text": "Autre"}, headers=other).status_code == 201


def test_a_refused_create_releases_its_key(referent):
    pathway = make_pathway(referent)
    client = _client(referent)
    headers = {"Idempotency-Key": "objectif-0003-abcdef"}
    refused = client.post(_goals_url(pathway), {"text": ""}, headers=headers)
    assert refused.status_code in (400, 422)
    created = client.post(_goals_url(pathway), {"text": "Objectif"}, headers=headers)
    assert created.status_code == 201


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_create_one_record(referent):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (run by .ci/run)")
    pathway = make_pathway(referent)
    client = _client(referent)
    barrier = threading.Barrier(5)
    statuses = []

    def send():
        barrier.wait()
        try:
            response = client.post(
                _goals_url(pathway),
                {"text": "Objectif"},
                headers={"Idempotency-Key": "course-api-0001-abcdef"},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409, 409, 409, 409]
    assert Goal.objects.filter(pathway=pathway).count() == 1
