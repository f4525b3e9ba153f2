"""Platform administration (Django admin): organisations, invitations, and what it must never
show (personal data, the access journal)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core import mail

from relais.accounts.models import Invitation, Organisation, Role, SecurityEvent, User
from relais.core.models import AccessLogEntry
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory, valid_siret
from tests.helpers import (
    confirmed_device,
    current_code,
    invitation_path,
    login_verified,
    page_text,
)

ADD_ORGANISATION = "/admin/accounts/organisation/add/"
ADD_INVITATION = "/admin/accounts/invitation/add/"


@pytest.fixture
def admin_client(client, platform_admin):
    login_verified(client, platform_admin)
    return client


def organisation_form(**overrides) -> dict:
    data = {
        "name": "CCAS de Vénissieux",
        "kind": "ccas",
        "siret": valid_siret(7_000_001),
        "commune_code": "69259",
        "is_active": "on",
        # The memberships inline, empty.
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_no_personal_data_and_no_journal_in_the_admin():
    registered = set(admin.site._registry)
    assert {Organisation, User, Invitation, SecurityEvent} <= registered
    assert AccessLogEntry not in registered
    personal = [m for m in registered if getattr(m, "holds_personal_data", False)]
    assert personal == []


@pytest.mark.django_db
def test_anonymous_goes_through_relais_login(client):
    """The admin has no login form of its own: its login page sends to Relais's login."""
    response = client.get("/admin/accounts/organisation/", follow=True)
    assert response.redirect_chain[-1][0] == "/connexion/?next=/admin/accounts/organisation/"
    assert "Connexion à Relais" in page_text(response)


def test_platform_admin_logs_in_with_password_and_code_then_reaches_the_admin(client, db):
    admin_user = UserFactory(is_staff=True, is_superuser=True, with_totp=True)
    device = confirmed_device(admin_user)
    wanted = "/admin/accounts/organisation/"
    login_url = client.get(wanted, follow=True).redirect_chain[-1][0]

    response = client.post(
        login_url, {"username": admin_user.email, "password": TEST_PASSWORD, "next": wanted}
    )
    assert response.status_code == 302
    assert response["Location"] == "/connexion/code/?next=%2Fadmin%2Faccounts%2Forganisation%2F"

    response = client.post(response["Location"], {"code": current_code(device), "next": wanted})
    assert response.status_code == 302
    assert response["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_logged_in_admin_on_the_admin_login_page_is_sent_on(client, platform_admin):
    login_verified(client, platform_admin)
    response = client.get("/admin/login/?next=/admin/accounts/organisation/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/accounts/organisation/"
    external = client.get("/admin/login/?next=https://ailleurs.example/")
    assert external["Location"] == "/admin/"


def test_admin_requires_the_second_factor(client, platform_admin):
    client.force_login(platform_admin)  # password only, no TOTP device yet
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/double-authentification/?next=%2Fadmin%2F"


def test_member_without_staff_flag_is_refused_not_looped(client, manager):
    login_verified(client, manager)
    response = client.get("/admin/accounts/organisation/", follow=True)
    assert response.status_code == 403
    assert "Accès refusé (erreur 403)" in page_text(response)


class TestOrganisationAdmin:
    def test_add_page(self, admin_client):
        assert admin_client.get(ADD_ORGANISATION).status_code == 200

    def test_bad_siret_shows_french_error_and_keeps_input(self, admin_client):
        response = admin_client.post(ADD_ORGANISATION, organisation_form(siret="73282932000075"))
        assert response.status_code == 200
        text = page_text(response)
        assert "Ce SIRET n'est pas valide : sa clé de contrôle est incorrecte." in text
        assert 'value="73282932000075"' in text
        assert 'value="CCAS de Vénissieux"' in text
        assert not Organisation.objects.exists()

    def test_short_siret(self, admin_client):
        response = admin_client.post(ADD_ORGANISATION, organisation_form(siret="123"))
        assert "Le SIRET doit comporter exactement 14 chiffres (vous en avez saisi 3)." in (
            page_text(response)
        )
        assert not Organisation.objects.exists()

    def test_unknown_commune(self, admin_client):
        response = admin_client.post(ADD_ORGANISATION, organisation_form(commune_code="99999"))
        assert "Aucune commune ne porte le code INSEE 99999." in page_text(response)
        assert not Organisation.objects.exists()

    def test_valid_organisation_is_created(self, admin_client):
        siret = valid_siret(7_000_002)
        response = admin_client.post(
            ADD_ORGANISATION, organisation_form(siret=siret, commune_code="69123")
        )
        assert response.status_code == 302
        organisation = Organisation.objects.get()
        assert organisation.name == "CCAS de Vénissieux"
        assert organisation.siret == siret
        assert organisation.commune.name == "Lyon"

    def test_siret_typed_with_spaces_is_stored_as_digits(self, admin_client):
        siret = valid_siret(7_000_003)
        spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
        response = admin_client.post(
            ADD_ORGANISATION, organisation_form(siret=spaced, commune_code="2a004")
        )
        assert response.status_code == 302, page_text(response)
        organisation = Organisation.objects.get()
        assert organisation.siret == siret
        assert organisation.commune_code == "2A004"

    def test_siret_is_optional(self, admin_client):
        response = admin_client.post(ADD_ORGANISATION, organisation_form(siret=""))
        assert response.status_code == 302
        assert Organisation.objects.get().siret == ""

    def test_duplicate_siret_is_refused_in_french(self, admin_client, organisation):
        response = admin_client.post(ADD_ORGANISATION, organisation_form(siret=organisation.siret))
        assert response.status_code == 200
        assert "Une structure avec ce SIRET existe déjà." in page_text(response)
        assert Organisation.objects.count() == 1


class TestInvitationAdmin:
    def test_creating_an_invitation_sends_a_working_link(
        self, admin_client, organisation, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                ADD_INVITATION,
                {
                    "email": "Nouvelle.Collegue@Exemple.fr",
                    "organisation": organisation.pk,
                    "role": Role.MANAGER,
                },
            )
        assert response.status_code == 302
        invitation = Invitation.objects.get()
        assert invitation.email == "nouvelle.collegue@exemple.fr"
        assert invitation.role == Role.MANAGER
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["nouvelle.collegue@exemple.fr"]
        assert organisation.name in message.subject

        admin_client.logout()
        page = admin_client.get(invitation_path(message))
        assert page.status_code == 200
        assert f"Rejoindre {organisation.name}" in page_text(page)

    def test_already_member_is_refused_without_mail(
        self, admin_client, organisation, django_capture_on_commit_callbacks
    ):
        member = MembershipFactory(organisation=organisation).user
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                ADD_INVITATION,
                {"email": member.email, "organisation": organisation.pk, "role": Role.REFERENT},
            )
        assert response.status_code == 200
        text = page_text(response)
        assert "Cette personne est déjà membre de la structure." in text
        assert f'value="{member.email}"' in text
        assert "avec succès" not in text
        assert not Invitation.objects.exists()
        assert mail.outbox == []

    def test_invitations_cannot_be_edited_or_deleted(self, admin_client, organisation):
        UserFactory()
        invitation = Invitation.objects.create(
            email="x@exemple.fr",
            organisation=organisation,
            role=Role.REFERENT,
            token_hash="h" * 64,
            expires_at="2030-01-01T00:00:00Z",
        )
        change = admin_client.post(
            f"/admin/accounts/invitation/{invitation.pk}/change/", {"email": "y@exemple.fr"}
        )
        assert change.status_code in {200, 403}
        invitation.refresh_from_db()
        assert invitation.email == "x@exemple.fr"
        delete = admin_client.post(
            f"/admin/accounts/invitation/{invitation.pk}/delete/", {"post": "yes"}
        )
        assert delete.status_code == 403
        assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_security_events_are_read_only(admin_client, manager):
    event = SecurityEvent.objects.create(kind="login", user=manager)
    assert admin_client.get("/admin/accounts/securityevent/").status_code == 200
    assert admin_client.get("/admin/accounts/securityevent/add/").status_code == 403
    response = admin_client.post(
        f"/admin/accounts/securityevent/{event.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


class TestAccountsCannotBeTakenOver:
    """A platform administrator manages accounts; they must never be able to open an
    organisation's case files to themselves or anyone, nor quietly take an account over."""

    def user_form(self, user, **overrides) -> dict:
        data = {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "01/01/2026",
            "date_joined_1": "10:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    def test_no_membership_can_be_granted_from_a_user_page(
        self, admin_client, platform_admin, organisation
    ):
        data = self.user_form(
            platform_admin,
            is_staff="on",
            is_superuser="on",
            **{
                "memberships-TOTAL_FORMS": "1",
                "memberships-0-organisation": str(organisation.pk),
                "memberships-0-role": Role.MANAGER,
                "memberships-0-is_active": "on",
            },
        )
        admin_client.post(f"/admin/accounts/user/{platform_admin.pk}/change/", data)
        assert not platform_admin.memberships.exists()
        page = admin_client.get(f"/admin/accounts/user/{platform_admin.pk}/change/")
        assert 'name="memberships-0-role"' not in page.content.decode()

    def test_no_membership_can_be_granted_from_an_organisation_page(
        self, admin_client, platform_admin, organisation
    ):
        data = organisation_form(
            name=organisation.name,
            siret=organisation.siret,
            commune_code=organisation.commune_code,
            **{
                "memberships-TOTAL_FORMS": "1",
                "memberships-0-user": str(platform_admin.pk),
                "memberships-0-role": Role.MANAGER,
                "memberships-0-is_active": "on",
            },
        )
        admin_client.post(f"/admin/accounts/organisation/{organisation.pk}/change/", data)
        assert not platform_admin.memberships.exists()

    def test_an_existing_membership_cannot_be_changed_or_activated(
        self, admin_client, organisation
    ):
        membership = MembershipFactory(organisation=organisation, role=Role.REFERENT)
        membership.is_active = False
        membership.save()
        data = self.user_form(
            membership.user,
            **{
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "1",
                "memberships-0-id": str(membership.pk),
                "memberships-0-user": str(membership.user.pk),
                "memberships-0-organisation": str(organisation.pk),
                "memberships-0-role": Role.MANAGER,
                "memberships-0-is_active": "on",
            },
        )
        admin_client.post(f"/admin/accounts/user/{membership.user.pk}/change/", data)
        membership.refresh_from_db()
        assert (membership.role, membership.is_active) == (Role.REFERENT, False)

    def test_deactivating_an_account_is_recorded_and_told(
        self,
        admin_client,
        platform_admin,
        organisation,
        manager,
        django_capture_on_commit_callbacks,
    ):
        member = MembershipFactory(organisation=organisation, role=Role.REFERENT).user
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                f"/admin/accounts/user/{member.pk}/change/",
                self.user_form(member, is_active=None),
            )
        assert response.status_code == 302
        member.refresh_from_db()
        assert not member.is_active
        event = SecurityEvent.objects.get(kind="admin_activation")
        assert (event.user, event.actor) == (member, platform_admin)
        assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, manager.email])
        assert "activation du compte changée par l'administration" in mail.outbox[0].body

    def test_a_plain_edit_records_nothing(self, admin_client, organisation):
        member = MembershipFactory(organisation=organisation).user
        admin_client.post(
            f"/admin/accounts/user/{member.pk}/change/",
            self.user_form(member, first_name="Renommée"),
        )
        member.refresh_from_db()
        assert member.first_name == "Renommée"
        assert not SecurityEvent.objects.filter(kind__startswith="admin_").exists()

    def test_setting_a_password_is_recorded_and_told(
        self,
        admin_client,
        platform_admin,
        organisation,
        manager,
        django_capture_on_commit_callbacks,
    ):
        member = MembershipFactory(organisation=organisation).user
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                f"/admin/accounts/user/{member.pk}/password/",
                {
                    "password1": "Un-nouveau-mot-de-passe-42",
                    "password2": "Un-nouveau-mot-de-passe-42",
                    "usable_password": "true",
                },
            )
        assert response.status_code == 302
        event = SecurityEvent.objects.get(kind="admin_password")
        assert (event.user, event.actor) == (member, platform_admin)
        assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, manager.email])

    def test_a_refused_password_records_nothing(self, admin_client, organisation):
        member = MembershipFactory(organisation=organisation).user
        response = admin_client.post(
            f"/admin/accounts/user/{member.pk}/password/",
            {"password1": "a", "password2": "b", "usable_password": "true"},
        )
        assert response.status_code == 200
        assert not SecurityEvent.objects.filter(kind="admin_password").exists()

    def test_second_factor_devices_can_be_removed_not_added(
        self, admin_client, platform_admin, organisation, django_capture_on_commit_callbacks
    ):
        member = UserFactory(with_totp=True)
        MembershipFactory(user=member, organisation=organisation)
        device = confirmed_device(member)
        assert admin_client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
            )
        assert response.status_code == 302
        assert not type(device).objects.filter(pk=device.pk).exists()
        event = SecurityEvent.objects.get(kind="admin_otp_device")
        assert (event.user, event.actor) == (member, platform_admin)
        assert [m.to[0] for m in mail.outbox] == [member.email]
