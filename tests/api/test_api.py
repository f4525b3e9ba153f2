"""The HTTP API /api/v1/: token authentication, scoping to the caller's organisations, and
JSON errors (never a 500) for bad input."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from relais.accounts import services
from relais.accounts.models import ApiToken, Invitation, Role
from tests.api.conftest import ApiClient
from tests.factories import MembershipFactory, OrganisationFactory
from tests.helpers import invitation_path, login_verified

pytestmark = pytest.mark.django_db

AUTH_ERROR = "Authentification requise : jeton absent, invalide ou révoqué."


def invitations_url(organisation) -> str:
    return f"/api/v1/organisations/{organisation.pk}/invitations"


def members_url(organisation) -> str:
    return f"/api/v1/organisations/{organisation.pk}/members"


class TestDocs:
    def test_docs_are_served_without_cdn(self, client):
        response = client.get("/api/v1/docs")
        assert response.status_code == 200
        body = response.content.decode()
        assert "API Relais" in body
        assert "cdn." not in body
        assert "/static/ninja/swagger-ui-bundle.js" in body
        assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200

    def test_openapi_schema(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        assert schema["info"]["title"] == "API Relais"
        assert "/api/v1/organisations/{organisation_id}/invitations" in schema["paths"]
        assert schema["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"


class TestAuthentication:
    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"Authorization": "Bearer rls_inconnu"},
            {"Authorization": "Bearer "},
            {"Authorization": "Basic dXNlcjpwYXNz"},
            {"Authorization": "rls_sans_schema"},
        ],
        ids=["absent", "inconnu", "vide", "basic", "sans-bearer"],
    )
    def test_missing_or_invalid_token(self, client, headers):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": AUTH_ERROR}

    def test_revoked_token(self, manager):
        token, raw = services.api_token_create(user=manager, name="Outil")
        api = ApiClient(raw)
        assert api.get("/api/v1/me").status_code == 200
        services.api_token_revoke(token=token, actor=manager)
        response = api.get("/api/v1/me")
        assert response.status_code == 401
        assert response.json()["detail"] == AUTH_ERROR

    def test_session_login_is_not_enough(self, manager_client):
        """The API authenticates tokens only: a browser session does not open it (no CSRF)."""
        assert manager_client.get("/api/v1/me").status_code == 401

    def test_no_second_factor_redirect_for_the_api(self, manager, api_client_for):
        api = api_client_for(manager)
        api.force_login(manager)  # a half-logged-in session must not redirect API calls
        assert api.get("/api/v1/me").status_code == 200


class TestReads:
    def test_me_lists_active_memberships_only(self, manager_api, manager, organisation):
        MembershipFactory(user=manager, inactive=True)
        MembershipFactory(user=manager, organisation=OrganisationFactory(is_active=False))
        data = manager_api.get("/api/v1/me").json()
        assert data["email"] == manager.email
        assert [m["organisation"]["id"] for m in data["memberships"]] == [organisation.pk]
        assert data["memberships"][0]["role"] == "manager"
        assert data["memberships"][0]["role_label"] == "Responsable"

    def test_organisations(self, manager_api, organisation):
        OrganisationFactory()  # not the caller's
        data = manager_api.get("/api/v1/organisations").json()
        assert data == [
            {
                "id": organisation.pk,
                "name": organisation.name,
                "kind": "ccas",
                "kind_label": "CCAS / CIAS",
                "siret": organisation.siret,
                "commune_code": organisation.commune_code,
            }
        ]

    def test_members_for_a_manager(self, manager_api, organisation, manager):
        colleague = MembershipFactory(organisation=organisation, inactive=True)
        MembershipFactory()  # elsewhere
        response = manager_api.get(members_url(organisation))
        assert response.status_code == 200
        rows = {row["email"]: row for row in response.json()}
        assert set(rows) == {manager.email, colleague.user.email}
        assert rows[colleague.user.email]["is_active"] is False

    def test_members_of_another_organisation_is_a_404(self, manager_api):
        response = manager_api.get(members_url(OrganisationFactory()))
        assert response.status_code == 404
        assert response.json() == {"detail": "Ressource introuvable."}

    def test_members_of_a_former_organisation_is_a_404(self, api_client_for):
        membership = MembershipFactory(role=Role.MANAGER, inactive=True)
        api = api_client_for(membership.user)
        assert api.get(members_url(membership.organisation)).status_code == 404

    def test_members_for_a_referent_is_a_403(self, referent_api, organisation):
        response = referent_api.get(members_url(organisation))
        assert response.status_code == 403
        assert response.json() == {"detail": "Réservé aux responsables de la structure."}

    def test_bad_path_parameter(self, manager_api):
        response = manager_api.get("/api/v1/organisations/abc/members")
        assert response.status_code == 422
        assert response.json()["detail"] == "Données invalides."


class TestInvite:
    def test_success(self, manager_api, organisation, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = manager_api.post(
                invitations_url(organisation), {"email": " Recrue@Exemple.FR ", "role": "staff"}
            )
        assert response.status_code == 201
        data = response.json()
        invitation = Invitation.objects.get()
        assert data["id"] == invitation.pk
        assert (data["email"], data["role"]) == ("recrue@exemple.fr", "staff")
        assert invitation.organisation == organisation
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["recrue@exemple.fr"]
        assert invitation_path(mail.outbox[0]).startswith("/invitation/")

    @pytest.mark.parametrize(
        "body",
        ['{"email": "a@b.fr", "role": ', "pas du json", b"\xff\xfe{\x00"],
        ids=["tronque", "texte", "octets"],
    )
    def test_malformed_json(self, manager_api, organisation, body):
        response = manager_api.post(invitations_url(organisation), body)
        assert 400 <= response.status_code < 500
        assert response["Content-Type"].startswith("application/json")
        assert "detail" in response.json()
        assert not Invitation.objects.exists()

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"email": 5, "role": "staff"}, "email"),
            ({"email": ["a@b.fr"], "role": "staff"}, "email"),
            ({"email": "a@b.fr", "role": 1}, "role"),
            ({"role": "staff"}, "email"),
            ({"email": "a@b.fr"}, "role"),
            ({"email": "pas-une-adresse", "role": "staff"}, "email"),
            ({"email": "a" * 250 + "@b.fr", "role": "staff"}, "email"),
            ({"email": "a@b.fr", "role": "admin"}, "role"),
            ({"email": "a@b.fr", "role": "MANAGER"}, "role"),
        ],
    )
    def test_wrong_types_missing_fields_bad_values(self, manager_api, organisation, payload, field):
        response = manager_api.post(invitations_url(organisation), payload)
        assert response.status_code == 422
        data = response.json()
        assert data["detail"] == "Données invalides."
        assert any(error["loc"][-1] == field for error in data["errors"])
        assert not Invitation.objects.exists()

    @pytest.mark.parametrize("body", ["[]", "null", '"texte"', "{}"])
    def test_json_that_is_not_an_object(self, manager_api, organisation, body):
        response = manager_api.post(invitations_url(organisation), body)
        assert response.status_code == 422
        assert response.json()["detail"] == "Données invalides."

    def test_already_member(self, manager_api, organisation, manager):
        response = manager_api.post(
            invitations_url(organisation), {"email": manager.email.upper(), "role": "staff"}
        )
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Cette personne est déjà membre de la structure.",
            "field": "email",
        }
        assert not Invitation.objects.exists()

    def test_referent_cannot_invite(self, referent_api, organisation):
        response = referent_api.post(
            invitations_url(organisation), {"email": "x@exemple.fr", "role": "staff"}
        )
        assert response.status_code == 403
        assert not Invitation.objects.exists()

    def test_other_organisation_is_a_404(self, manager_api):
        response = manager_api.post(
            invitations_url(OrganisationFactory()), {"email": "x@exemple.fr", "role": "staff"}
        )
        assert response.status_code == 404
        assert not Invitation.objects.exists()

    def test_get_is_not_allowed(self, manager_api, organisation):
        assert manager_api.get(invitations_url(organisation)).status_code == 405


class TestTokenHygiene:
    """Tokens expire, carry a scope, are revoked with the sessions and by a lockout, and are
    rate-limited."""

    def test_an_expired_token_is_refused(self, manager):
        token, raw = services.api_token_create(user=manager, name="Outil", days=30)
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        assert client.get("/api/v1/me").status_code == 200
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
        assert client.get("/api/v1/me").status_code == 401

    def test_a_read_only_token_reads_but_cannot_write(self, manager, organisation):
        _token, raw = services.api_token_create(user=manager, name="Lecture", scope="read")
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        assert client.get(f"/api/v1/organisations/{organisation.pk}/persons").status_code == 200
        response = client.post(
            f"/api/v1/organisations/{organisation.pk}/persons",
            data={"birth_name": "Martin", "first_names": "Léa", "birth_date": "1990-01-01"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert "lecture seule" in response.json()["detail"]
        assert not organisation.persons.exists()

    def test_logout_everywhere_revokes_every_token(self, manager):
        _token, raw = services.api_token_create(user=manager, name="Outil")
        services.user_logout_everywhere(user=manager)
        response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me")
        assert response.status_code == 401

    def test_a_lockout_revokes_every_token(self, manager, client, settings):
        _token, raw = services.api_token_create(user=manager, name="Outil")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/connexion/", {"username": manager.email, "password": "faux"})
        response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me")
        assert response.status_code == 401
        assert ApiToken.objects.get(user=manager).revoked_at is not None

    def test_requests_beyond_the_rate_are_refused_with_retry_after(self, manager, settings):
        settings.RELAIS_API_RATE = "3/m"
        cache.clear()
        _token, raw = services.api_token_create(user=manager, name="Outil")
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        responses = [client.get("/api/v1/me") for _ in range(5)]
        assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
        assert int(responses[-1]["Retry-After"]) > 0
        assert "Trop de requêtes" in responses[-1].json()["detail"]
        _other, other_raw = services.api_token_create(user=manager, name="Autre")
        other = Client(headers={"Authorization": f"Bearer {other_raw}"})
        assert other.get("/api/v1/me").status_code == 200

    def test_the_schema_needs_a_signed_in_user_in_production(self, client, settings, manager):
        settings.RELAIS_API_DOCS_PUBLIC = False
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")
        assert client.get("/api/v1/docs").status_code == 302
        login_verified(client, manager)
        assert client.get("/api/v1/openapi.json").status_code == 200
