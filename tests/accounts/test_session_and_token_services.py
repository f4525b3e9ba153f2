"""Logging out everywhere, and personal API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relais.accounts import services
from relais.accounts.models import ApiToken, SecurityEvent, SecurityEventKind, hash_token
from relais.core.errors import DomainError
from tests.factories import UserFactory
from tests.helpers import login_verified

pytestmark = pytest.mark.django_db


class TestLogoutEverywhere:
    def test_every_session_of_the_user_ends(self, manager):
        laptop, phone = Client(), Client()
        login_verified(laptop, manager)
        login_verified(phone, manager)
        assert laptop.get("/").status_code == 200
        assert phone.get("/").status_code == 200

        services.user_logout_everywhere(user=manager, ip="192.0.2.1")

        for browser in (laptop, phone):
            response = browser.get("/")
            assert response.status_code == 302
            assert response["Location"] == "/connexion/?next=/"
        assert SecurityEvent.objects.filter(
            kind=SecurityEventKind.LOGOUT_EVERYWHERE, user=manager, ip="192.0.2.1"
        ).exists()

    def test_other_users_stay_logged_in(self, manager, referent):
        other = Client()
        login_verified(other, referent)
        services.user_logout_everywhere(user=manager)
        assert other.get("/").status_code == 200

    def test_from_the_account_page(self, manager):
        laptop, phone = Client(), Client()
        login_verified(laptop, manager)
        login_verified(phone, manager)
        response = laptop.post("/deconnexion/partout/")
        assert response.status_code == 302
        assert response["Location"] == "/connexion/"
        assert phone.get("/compte/")["Location"] == "/connexion/?next=/compte/"
        assert laptop.get("/compte/")["Location"] == "/connexion/?next=/compte/"


class TestApiTokens:
    def test_create_shows_the_key_once_and_stores_its_hash(self, manager):
        token, raw = services.api_token_create(user=manager, name="  Tableur  ")
        assert raw.startswith("rls_")
        assert len(raw) > 40
        assert token.name == "Tableur"
        assert token.prefix == raw[4:12]
        assert token.key_hash == hash_token(raw)
        assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
        assert SecurityEvent.objects.filter(
            kind=SecurityEventKind.TOKEN_CREATED,
            user=manager,
            detail="Tableur (lecture et écriture, 90 jours)",
        ).exists()

    @pytest.mark.parametrize(
        ("name", "message"),
        [("   ", "Donnez un nom au jeton"), ("x" * 101, "ne peut dépasser 100 caractères")],
    )
    def test_name_is_required_and_short(self, manager, name, message):
        with pytest.raises(DomainError, match=message):
            services.api_token_create(user=manager, name=name)
        assert not ApiToken.objects.exists()

    def test_authenticate(self, manager):
        token, raw = services.api_token_create(user=manager, name="Outil")
        assert services.api_token_authenticate(raw) == manager
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_last_use_is_written_at_most_once_a_minute(self, manager):
        token, raw = services.api_token_create(user=manager, name="Outil")
        recently = timezone.now() - timedelta(seconds=10)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=recently)
        services.api_token_authenticate(raw)
        token.refresh_from_db()
        assert token.last_used_at == recently

    @pytest.mark.parametrize("raw", ["", "rls_", "rls_inconnu", "jeton-sans-prefixe"])
    def test_unknown_keys(self, manager, raw):
        services.api_token_create(user=manager, name="Outil")
        assert services.api_token_authenticate(raw) is None

    def test_revoked(self, manager):
        token, raw = services.api_token_create(user=manager, name="Outil")
        services.api_token_revoke(token=token, actor=manager)
        services.api_token_revoke(token=token, actor=manager)  # idempotent
        assert services.api_token_authenticate(raw) is None
        assert SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_REVOKED).count() == 1

    def test_inactive_user(self):
        user = UserFactory()
        _token, raw = services.api_token_create(user=user, name="Outil")
        user.is_active = False
        user.save()
        assert services.api_token_authenticate(raw) is None

    def test_the_key_without_its_prefix_does_not_work(self, manager):
        _token, raw = services.api_token_create(user=manager, name="Outil")
        assert services.api_token_authenticate(raw.removeprefix("rls_")) is None
