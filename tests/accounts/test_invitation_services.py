"""Invitations: sending (and replacing), accepting as a new or existing user, expiry, reuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from relais.accounts import services
from relais.accounts.models import (
    Invitation,
    Membership,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
    hash_token,
)
from relais.core.errors import DomainError
from tests.factories import (
    TEST_PASSWORD,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.helpers import invitation_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.RELAIS_BASE_URL = "https://relais.example"


@pytest.fixture
def send(organisation, manager, django_capture_on_commit_callbacks):
    """Send an invitation for real (e-mail included); returns (invitation, raw token)."""

    def _send(email="nouvelle@exemple.fr", role=Role.REFERENT, org=None):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_send(
                organisation=org or organisation,
                email=email,
                role=role,
                invited_by=manager,
                ip="203.0.113.7",
            )
        token = invitation_path(mail.outbox[-1]).strip("/").split("/")[-1]
        invitation.refresh_from_db()  # the token is made when the e-mail is sent
        return invitation, token

    return _send


class TestSend:
    def test_sends_a_single_use_link_valid_seven_days(self, send, organisation, manager):
        invitation, token = send(email="  Nouvelle@Exemple.FR ")
        assert invitation.email == "nouvelle@exemple.fr"
        assert invitation.invited_by == manager
        # Only the hash is stored.
        assert invitation.token_hash == hash_token(token)
        assert token not in invitation.token_hash
        assert services.invitation_from_token(token) == invitation
        delay = invitation.expires_at - invitation.created_at
        assert timedelta(days=7) - timedelta(seconds=5) < delay <= timedelta(days=7)

        message = mail.outbox[0]
        assert message.to == ["nouvelle@exemple.fr"]
        assert f"https://relais.example/invitation/{token}/" in message.body
        assert "ne sert qu'une fois" in message.body

        event = SecurityEvent.objects.get(kind=SecurityEventKind.INVITATION_SENT)
        assert (event.actor, event.organisation, event.ip) == (manager, organisation, "203.0.113.7")

    def test_no_mail_before_commit(self, organisation, manager):
        services.invitation_send(
            organisation=organisation,
            email="x@exemple.fr",
            role=Role.STAFF,
            invited_by=None,
        )
        assert mail.outbox == []  # sent on commit only (the test transaction never commits)

    def test_new_invitation_replaces_the_pending_one(self, send):
        first, _ = send(email="a@exemple.fr")
        second, _ = send(email="A@exemple.fr", role=Role.MANAGER)
        first.refresh_from_db()
        assert first.revoked_at is not None
        assert not first.is_usable
        assert second.is_usable
        assert list(Invitation.objects.pending()) == [second]
        with pytest.raises(DomainError, match="remplacée par une invitation plus récente"):
            services.invitation_accept_new_user(
                invitation=first, first_name="A", last_name="B", password=TEST_PASSWORD
            )

    def test_other_organisation_invitation_is_not_replaced(self, send):
        first, _ = send(email="a@exemple.fr")
        send(email="a@exemple.fr", org=OrganisationFactory())
        first.refresh_from_db()
        assert first.is_usable

    def test_already_member(self, organisation, manager):
        member = MembershipFactory(organisation=organisation, user__email="deja@exemple.fr").user
        with pytest.raises(DomainError) as excinfo:
            services.invitation_send(
                organisation=organisation,
                email="DEJA@exemple.fr",
                role=Role.REFERENT,
                invited_by=manager,
            )
        assert excinfo.value.message == "Cette personne est déjà membre de la structure."
        assert excinfo.value.field == "email"
        assert not Invitation.objects.filter(email=member.email).exists()

    def test_former_member_can_be_invited_again(self, send, organisation):
        MembershipFactory(organisation=organisation, user__email="ancien@exemple.fr", inactive=True)
        invitation, _ = send(email="ancien@exemple.fr")
        assert invitation.is_usable

    def test_unknown_role(self, organisation):
        with pytest.raises(DomainError, match="Rôle inconnu"):
            services.invitation_send(
                organisation=organisation,
                email="x@exemple.fr",
                role="admin",
                invited_by=None,
            )

    def test_deactivated_organisation(self):
        organisation = OrganisationFactory(is_active=False)
        with pytest.raises(DomainError, match="structure est désactivée"):
            services.invitation_send(
                organisation=organisation,
                email="x@exemple.fr",
                role=Role.REFERENT,
                invited_by=None,
            )


class TestAcceptNewUser:
    def test_markup_in_a_name_refused(self, organisation):
        invitation = InvitationFactory(organisation=organisation, email="nina@exemple.fr")
        with pytest.raises(DomainError) as error:
            services.invitation_accept_new_user(
                invitation=invitation,
                first_name="Nina",
                last_name="<b>Diallo</b>",
                password=TEST_PASSWORD,
            )
        assert error.value.field == "last_name"
        assert not User.objects.filter(email="nina@exemple.fr").exists()

    def test_creates_account_and_membership(self, organisation):
        invitation = InvitationFactory(
            organisation=organisation, email="nina@exemple.fr", role=Role.STAFF
        )
        user = services.invitation_accept_new_user(
            invitation=invitation, first_name=" Nina ", last_name=" Diallo ", password=TEST_PASSWORD
        )
        assert (user.email, user.first_name, user.last_name) == (
            "nina@exemple.fr",
            "Nina",
            "Diallo",
        )
        assert user.check_password(TEST_PASSWORD)
        membership = Membership.objects.get(user=user)
        assert (membership.organisation, membership.role, membership.is_active) == (
            organisation,
            Role.STAFF,
            True,
        )
        invitation.refresh_from_db()
        assert invitation.accepted_at is not None
        assert SecurityEvent.objects.filter(
            kind=SecurityEventKind.INVITATION_ACCEPTED, user=user, organisation=organisation
        ).exists()

    def test_single_use(self):
        invitation = InvitationFactory()
        services.invitation_accept_new_user(
            invitation=invitation, first_name="A", last_name="B", password=TEST_PASSWORD
        )
        with pytest.raises(DomainError, match="déjà été utilisée"):
            services.invitation_accept_new_user(
                invitation=invitation, first_name="C", last_name="D", password=TEST_PASSWORD
            )
        assert User.objects.count() == 1

    def test_expired_after_seven_days(self):
        invitation = InvitationFactory()
        # Time travel: the invitation was sent seven days ago.
        invitation.expires_at = timezone.now() - timedelta(seconds=1)
        invitation.save()
        assert invitation.is_expired
        with pytest.raises(DomainError, match=r"Cette invitation a expiré\."):
            services.invitation_accept_new_user(
                invitation=invitation, first_name="A", last_name="B", password=TEST_PASSWORD
            )
        assert not User.objects.exists()

    def test_still_valid_just_before_expiry(self):
        invitation = InvitationFactory(expires_at=timezone.now() + timedelta(minutes=1))
        services.invitation_accept_new_user(
            invitation=invitation, first_name="A", last_name="B", password=TEST_PASSWORD
        )

    def test_existing_account_must_log_in(self):
        user = UserFactory()
        invitation = InvitationFactory(email=user.email.upper())
        with pytest.raises(DomainError, match="connectez-vous pour accepter"):
            services.invitation_accept_new_user(
                invitation=invitation, first_name="A", last_name="B", password=TEST_PASSWORD
            )


class TestAcceptExistingUser:
    def test_joins_a_second_organisation(self, organisation):
        user = MembershipFactory().user
        invitation = InvitationFactory(
            organisation=organisation, email=user.email, role=Role.MANAGER
        )
        membership = services.invitation_accept_existing_user(invitation=invitation, user=user)
        assert (membership.organisation, membership.role) == (organisation, Role.MANAGER)
        assert Membership.objects.active().filter(user=user).count() == 2

    def test_reactivates_a_former_membership_with_the_new_role(self, organisation):
        old = MembershipFactory(organisation=organisation, role=Role.STAFF, inactive=True)
        invitation = InvitationFactory(
            organisation=organisation, email=old.user.email, role=Role.REFERENT
        )
        services.invitation_accept_existing_user(invitation=invitation, user=old.user)
        old.refresh_from_db()
        assert (old.is_active, old.deactivated_at, old.role) == (True, None, Role.REFERENT)

    def test_other_email_is_refused(self, organisation):
        user = UserFactory()
        invitation = InvitationFactory(organisation=organisation, email="quelquun@exemple.fr")
        with pytest.raises(DomainError, match="autre adresse e-mail"):
            services.invitation_accept_existing_user(invitation=invitation, user=user)
        assert not Membership.objects.filter(user=user).exists()

    def test_expired_and_used(self):
        user = UserFactory()
        expired = InvitationFactory(email=user.email)
        expired.expires_at -= timedelta(days=7)
        expired.save()
        with pytest.raises(DomainError, match="a expiré"):
            services.invitation_accept_existing_user(invitation=expired, user=user)

        used = InvitationFactory(email=user.email, accepted_at=timezone.now())
        with pytest.raises(DomainError, match="déjà été utilisée"):
            services.invitation_accept_existing_user(invitation=used, user=user)


def test_the_token_is_made_by_the_worker_not_stored_with_the_task(
    organisation, manager, settings, django_capture_on_commit_callbacks
):
    """Queued, the task carries the invitation's id only; the link exists in the e-mail
    alone, made when it leaves."""
    from django_tasks_db.models import DBTaskResult

    from tests.helpers import run_task_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(
            organisation=organisation, email="x@exemple.fr", role=Role.STAFF, invited_by=manager
        )
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {"invitation_id": invitation.pk}
    assert mail.outbox == []
    run_task_worker()
    token = invitation_path(mail.outbox[0]).strip("/").split("/")[-1]
    assert services.invitation_from_token(token) == invitation
