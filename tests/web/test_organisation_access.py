"""Users without an active organisation get a clear page; switching organisation is limited to
the user's own active memberships."""

from __future__ import annotations

import pytest

from relais.accounts.middleware import SESSION_ORGANISATION_KEY
from relais.accounts.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers import login_verified, page_text

pytestmark = pytest.mark.django_db

NO_ORGANISATION = "Vous n'êtes rattaché à aucune structure active"


class TestNoOrganisation:
    @pytest.mark.parametrize("path", ["/", "/structure/membres/", "/structure/journal/"])
    def test_without_any_membership(self, client, path):
        login_verified(client, UserFactory())
        response = client.get(path)
        assert response.status_code == 403
        assert NO_ORGANISATION in page_text(response)

    def test_with_a_deactivated_membership(self, client):
        user = MembershipFactory(role=Role.MANAGER, inactive=True).user
        login_verified(client, user)
        response = client.get("/")
        assert response.status_code == 403
        assert NO_ORGANISATION in page_text(response)
        assert client.get("/structure/membres/").status_code == 403

    def test_with_a_deactivated_organisation(self, client):
        user = MembershipFactory(organisation__is_active=False).user
        login_verified(client, user)
        response = client.get("/")
        assert response.status_code == 403
        assert NO_ORGANISATION in page_text(response)

    def test_account_page_still_works(self, client):
        login_verified(client, UserFactory())
        response = client.get("/compte/")
        assert response.status_code == 200
        assert "Aucune structure." in page_text(response)

    def test_platform_admin_gets_a_link_to_the_admin(self, client, platform_admin):
        login_verified(client, platform_admin)
        response = client.get("/")
        assert 'href="/admin/"' in page_text(response)


class TestSwitch:
    @pytest.fixture
    def two_organisations(self, client):
        first = OrganisationFactory(name="A — Première")
        second = OrganisationFactory(name="B — Seconde")
        user = MembershipFactory(organisation=first, role=Role.REFERENT).user
        MembershipFactory(organisation=second, user=user, role=Role.MANAGER)
        login_verified(client, user)
        return first, second

    def test_first_organisation_by_name_is_current_and_the_switch_is_shown(
        self, client, two_organisations
    ):
        first, second = two_organisations
        text = page_text(client.get("/"))
        assert f"Vous travaillez pour <strong>{first.name}</strong>" in text
        assert 'name="organisation"' in text
        assert f'value="{second.pk}"' in text

    def test_switch_to_an_own_organisation(self, client, two_organisations):
        _first, second = two_organisations
        response = client.post(
            "/structure/changer/", {"organisation": second.pk, "next": "/compte/"}
        )
        assert response["Location"] == "/compte/"
        assert client.session[SESSION_ORGANISATION_KEY] == second.pk
        home = page_text(client.get("/"))
        assert f"Vous travaillez pour <strong>{second.name}</strong>" in home
        assert "avec le rôle « Responsable »" in home

    @pytest.mark.parametrize("target", ["other", "inactive", "garbage", "missing"])
    def test_only_to_active_memberships(self, client, two_organisations, target):
        first, _second = two_organisations
        user = first.memberships.get().user
        if target == "other":
            wanted = OrganisationFactory().pk
        elif target == "inactive":
            wanted = MembershipFactory(user=user, inactive=True).organisation_id
        elif target == "garbage":
            wanted = "1 OR 1=1"
        else:
            wanted = ""
        response = client.post("/structure/changer/", {"organisation": wanted}, follow=True)
        assert SESSION_ORGANISATION_KEY not in client.session
        text = page_text(response)
        assert "Vous n'êtes pas membre actif de cette structure." in text
        assert f"Vous travaillez pour <strong>{first.name}</strong>" in text

    def test_external_next_is_ignored(self, client, two_organisations):
        _first, second = two_organisations
        response = client.post(
            "/structure/changer/", {"organisation": second.pk, "next": "https://ailleurs.example/"}
        )
        assert response["Location"] == "/"

    def test_get_is_refused(self, client, two_organisations):
        assert client.get("/structure/changer/").status_code == 405

    def test_a_later_deactivation_falls_back_to_an_active_membership(
        self, client, two_organisations
    ):
        first, second = two_organisations
        client.post("/structure/changer/", {"organisation": second.pk})
        membership = second.memberships.get()
        membership.is_active = False
        membership.save()
        assert f"Vous travaillez pour <strong>{first.name}</strong>" in page_text(client.get("/"))
