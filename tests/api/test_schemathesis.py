"""Property-based testing of the whole API against its own OpenAPI schema (schemathesis):
for every operation, generated requests — valid and invalid — with a real token on a real
organisation never get a 5xx, and every answer (status, content type, body) is one the schema
declares. Bounded and deterministic (derandomised) so that CI stays fast and stable."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from relais.accounts import services
from tests.factories import MembershipFactory, PersonFactory

APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests go straight to the WSGI handler, whose end-of-request signal closes a
    connection left outside autocommit — the test's own transaction, on PostgreSQL. Django's
    test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def caller(db, settings):
    settings.RELAIS_API_RATE = settings.RELAIS_API_ANON_RATE = "100000/m"
    cache.clear()
    membership = MembershipFactory(role="manager")
    person = PersonFactory(organisation=membership.organisation, referent=membership.user)
    _token, raw = services.api_token_create(user=membership.user, name="Schemathesis")
    return {"organisation": membership.organisation, "person": person, "token": raw}


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case, caller):
    # Most generated ids point nowhere (404, also checked); half the examples aim at the
    # caller's own organisation and person so that the operations' real work runs too.
    if "organisation_id" in (case.path_parameters or {}):
        case.path_parameters["organisation_id"] = caller["organisation"].pk
    if "person_id" in (case.path_parameters or {}):
        case.path_parameters["person_id"] = caller["person"].pk
    case.call_and_validate(
        app=APP, headers={"Authorization": f"Bearer {caller['token']}"}, checks=CHECKS
    )
