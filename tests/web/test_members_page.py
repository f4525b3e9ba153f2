"""The members page of the current organisation: managers only."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from relais.accounts.models import Invitation, Membership, Role
from relais.web.templatetags.relais_tags import de
from tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory
from tests.helpers import count_queries, invitation_path, login_verified, page_text

pytestmark = pytest.mark.django_db

MEMBERS = "/structure/membres/"


def action_url(membership, action):
    return f"/structure/membres/{membership.pk}/{action}/"


class TestAccess:
    def test_manager_sees_members_and_pending_invitations(self, manager_client, organisation):
        colleague = MembershipFactory(organisation=organisation, user__email="collegue@exemple.fr")
        MembershipFactory(user__email="ailleurs@exemple.fr")  # another organisation
        InvitationFactory(organisation=organisation, email="attendu@exemple.fr")
        response = manager_client.get(MEMBERS)
        assert response.status_code == 200
        text = page_text(response)
        assert f"Membres {de(organisation.name)}" in text
        assert 'data-testid="member-collegue@exemple.fr"' in text
        assert colleague.user.get_full_name() in text
        assert "ailleurs@exemple.fr" not in text
        assert "attendu@exemple.fr" in text

    def test_referent_is_refused(self, referent_client):
        response = referent_client.get(MEMBERS)
        assert response.status_code == 403
        assert "Accès refusé (erreur 403)" in page_text(response)

    def test_staff_is_refused(self, client, staff_member):
        login_verified(client, staff_member)
        assert client.get(MEMBERS).status_code == 403

    def test_referent_cannot_act(self, referent_client, organisation):
        membership = MembershipFactory(organisation=organisation)
        assert referent_client.post(action_url(membership, "deactivate")).status_code == 403
        membership.refresh_from_db()
        assert membership.is_active

    def test_anonymous_goes_to_login(self, client, db):
        assert client.get(MEMBERS)["Location"] == "/connexion/?next=/structure/membres/"

    def test_manager_elsewhere_referent_here(self, client, organisation):
        user = MembershipFactory(organisation=organisation, role=Role.REFERENT).user
        MembershipFactory(user=user, organisation=OrganisationFactory(name="Z"), role=Role.MANAGER)
        login_verified(client, user)
        assert client.get(MEMBERS).status_code == 403


class TestActions:
    def test_membership_of_another_organisation_is_a_404(self, manager_client):
        elsewhere = MembershipFactory(organisation=OrganisationFactory())
        for action in ("role", "deactivate", "reactivate"):
            response = manager_client.post(action_url(elsewhere, action), {"role": Role.MANAGER})
            assert response.status_code == 404
            assert "Page introuvable" in page_text(response)
        elsewhere.refresh_from_db()
        assert (elsewhere.role, elsewhere.is_active) == (Role.REFERENT, True)

    def test_change_role(self, manager_client, organisation):
        membership = MembershipFactory(organisation=organisation)
        response = manager_client.post(
            action_url(membership, "role"), {"role": Role.STAFF}, follow=True
        )
        assert response.redirect_chain == [(MEMBERS, 302)]
        assert f"{membership.user} : rôle changé en « Accueil / assistant administratif »." in (
            page_text(response)
        )
        membership.refresh_from_db()
        assert membership.role == Role.STAFF

    def test_bad_role(self, manager_client, organisation):
        membership = MembershipFactory(organisation=organisation)
        response = manager_client.post(
            action_url(membership, "role"), {"role": "root"}, follow=True
        )
        assert "Choisissez un rôle dans la liste." in page_text(response)
        membership.refresh_from_db()
        assert membership.role == Role.REFERENT

    def test_last_manager_cannot_step_down(self, manager_client, manager, organisation):
        own = Membership.objects.get(user=manager)
        response = manager_client.post(
            action_url(own, "role"), {"role": Role.REFERENT}, follow=True
        )
        assert "La structure doit garder au moins un responsable actif." in page_text(response)
        own.refresh_from_db()
        assert own.role == Role.MANAGER

    def test_deactivate_and_reactivate(self, manager_client, organisation):
        membership = MembershipFactory(organisation=organisation)
        response = manager_client.post(action_url(membership, "deactivate"), follow=True)
        assert f"L'accès de {membership.user} est désactivé." in page_text(response)
        membership.refresh_from_db()
        assert not membership.is_active
        assert "désactivé le" in page_text(response)

        manager_client.post(action_url(membership, "reactivate"))
        membership.refresh_from_db()
        assert membership.is_active

    def test_cannot_deactivate_oneself(self, manager_client, manager):
        own = Membership.objects.get(user=manager)
        response = manager_client.post(action_url(own, "deactivate"), follow=True)
        assert "Vous ne pouvez pas désactiver votre propre accès." in page_text(response)
        own.refresh_from_db()
        assert own.is_active

    def test_deactivated_member_loses_access_at_once(self, manager_client, organisation):
        membership = MembershipFactory(organisation=organisation)
        theirs = Client()
        login_verified(theirs, membership.user)
        assert theirs.get("/").status_code == 200
        manager_client.post(action_url(membership, "deactivate"))
        assert theirs.get("/").status_code == 403

    def test_unknown_action(self, manager_client, organisation):
        membership = MembershipFactory(organisation=organisation)
        assert manager_client.post(action_url(membership, "delete")).status_code == 403
        assert Membership.objects.filter(pk=membership.pk).exists()

    def test_get_is_refused(self, manager_client, organisation):
        membership = MembershipFactory(organisation=organisation)
        assert manager_client.get(action_url(membership, "deactivate")).status_code == 405


class TestInvite:
    def test_invite_sends_the_mail(
        self, manager_client, organisation, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = manager_client.post(
                MEMBERS, {"email": "Recrue@Exemple.fr", "role": Role.STAFF}, follow=True
            )
        assert "Invitation envoyée à recrue@exemple.fr. Le lien est valable 7 jours." in (
            page_text(response)
        )
        invitation = Invitation.objects.get()
        assert (invitation.organisation, invitation.role) == (organisation, Role.STAFF)
        assert len(mail.outbox) == 1
        assert manager_client.get(invitation_path(mail.outbox[0])).status_code == 200

    def test_bad_email_keeps_input(self, manager_client):
        response = manager_client.post(MEMBERS, {"email": "pas-une-adresse", "role": Role.STAFF})
        assert response.status_code == 200
        text = page_text(response)
        assert "Saisissez une adresse de courriel valide." in text
        assert 'value="pas-une-adresse"' in text
        assert not Invitation.objects.exists()

    def test_already_member(self, manager_client, manager):
        response = manager_client.post(MEMBERS, {"email": manager.email, "role": Role.STAFF})
        assert response.status_code == 200
        assert "Cette personne est déjà membre de la structure." in page_text(response)
        assert not Invitation.objects.exists()


def test_names_are_escaped(manager_client, organisation):
    MembershipFactory(
        organisation=organisation,
        user__first_name="<script>alert('x')</script>",
        user__last_name='<img src=x onerror="y">',
    )
    organisation.name = "<b>CCAS</b>"
    organisation.save()
    response = manager_client.get(MEMBERS)
    body = response.content.decode()
    assert "<script>alert(" not in body
    assert "<img src=x" not in body
    assert "<b>CCAS</b>" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "&lt;b&gt;CCAS&lt;/b&gt;" in body


def test_query_count_does_not_grow_with_members(manager_client, organisation):
    def add(n):
        for _ in range(n):
            MembershipFactory(organisation=organisation)
            InvitationFactory(organisation=organisation)

    add(5)
    with_5 = count_queries(lambda: manager_client.get(MEMBERS))
    add(25)
    response = manager_client.get(MEMBERS)
    assert page_text(response).count('data-testid="member-') == 31
    with_30 = count_queries(lambda: manager_client.get(MEMBERS))
    assert with_30 == with_5
