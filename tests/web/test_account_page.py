"""« Mon compte »: API tokens (shown once), password change."""

from __future__ import annotations

import pytest

from relais.accounts import services
from relais.accounts.models import ApiToken, SecurityEvent, SecurityEventKind
from tests.factories import TEST_PASSWORD, MembershipFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

ACCOUNT = "/compte/"


def test_account_page_lists_memberships(manager_client, organisation):
    text = page_text(manager_client.get(ACCOUNT))
    assert organisation.name in text
    assert "Responsable" in text


def test_create_token_shows_it_once(manager_client, manager):
    response = manager_client.post(ACCOUNT, {"name": "Tableur", "scope": "read", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=manager)
    assert token.scope == "read"
    assert 29 < (token.expires_at - token.created_at).total_seconds() / 86400 <= 30
    text = page_text(response)
    shown = text.split('data-testid="new-token">')[1].split("<")[0]
    assert shown.startswith("rls_")
    assert services.api_token_authenticate(shown) == manager
    again = page_text(manager_client.get(ACCOUNT))
    assert shown not in again
    assert f"rls_{token.prefix}…" in again


def test_token_form_reports_every_error_at_once(manager_client):
    response = manager_client.post(ACCOUNT, {"name": "", "scope": "admin", "days": "3650"})
    text = page_text(response)
    # Each error next to its field, and in the summary at the top that links to the field.
    assert text.count("Ce champ est obligatoire.") == 2
    assert text.count("Sélectionnez un choix valide.") == 4
    assert 'data-testid="error-summary"' in text and 'href="#id_name"' in text
    assert not ApiToken.objects.exists()


def test_revoke_own_token(manager_client, manager):
    token, raw = services.api_token_create(user=manager, name="Outil")
    response = manager_client.post(f"/compte/jetons/{token.pk}/revoquer/", follow=True)
    assert "Le jeton « Outil » est révoqué." in page_text(response)
    assert services.api_token_authenticate(raw) is None


def test_cannot_revoke_someone_elses_token(manager_client, organisation):
    other = MembershipFactory(organisation=organisation).user
    token, raw = services.api_token_create(user=other, name="Le sien")
    assert manager_client.post(f"/compte/jetons/{token.pk}/revoquer/").status_code == 404
    assert services.api_token_authenticate(raw) == other


def test_password_change(manager_client, manager):
    response = manager_client.post(
        "/compte/mot-de-passe/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Encore-Plus-Solide-43",
            "new_password2": "Encore-Plus-Solide-43",
        },
    )
    assert response["Location"] == ACCOUNT
    manager.refresh_from_db()
    assert manager.check_password("Encore-Plus-Solide-43")
    assert manager_client.get(ACCOUNT).status_code == 200  # this session stays open
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED).exists()


def test_password_change_refuses_a_weak_password(manager_client, manager):
    response = manager_client.post(
        "/compte/mot-de-passe/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "abcdefghijkl",
            "new_password2": "abcdefghijkl",
        },
    )
    assert response.status_code == 200
    assert "trois types de caractères" in page_text(response)
    manager.refresh_from_db()
    assert manager.check_password(TEST_PASSWORD)
