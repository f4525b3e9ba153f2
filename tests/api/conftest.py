"""API clients authenticated with a personal token (`Authorization: Bearer rls_…`)."""

from __future__ import annotations

import pytest
from django.test import Client

from relais.accounts import services


class ApiClient(Client):
    """A test client sending the token on every request, and JSON bodies by default."""

    def __init__(self, raw_token: str | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}
        super().__init__(headers=headers, **kwargs)

    def post(self, path, data=None, content_type="application/json", **kwargs):
        return super().post(path, data, content_type=content_type, **kwargs)


@pytest.fixture
def api_client_for():
    def _for(user) -> ApiClient:
        _token, raw = services.api_token_create(user=user, name="Tests")
        return ApiClient(raw)

    return _for


@pytest.fixture
def manager_api(api_client_for, manager):
    return api_client_for(manager)


@pytest.fixture
def referent_api(api_client_for, referent):
    return api_client_for(referent)
