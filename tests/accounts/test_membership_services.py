"""Role changes, deactivation and reactivation of memberships: the organisation always keeps
an active manager, and nobody locks themselves out."""

from __future__ import annotations

import pytest

from relais.accounts import services
from relais.accounts.models import Membership, Role, SecurityEvent, SecurityEventKind
from relais.core.errors import DomainError
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_membership(manager, organisation):
    return Membership.objects.get(user=manager, organisation=organisation)


class TestChangeRole:
    def test_change_records_who_and_what(self, manager, organisation):
        membership = MembershipFactory(organisation=organisation, role=Role.REFERENT)
        services.membership_change_role(
            membership=membership, role=Role.STAFF, actor=manager, ip="198.51.100.2"
        )
        membership.refresh_from_db()
        assert membership.role == Role.STAFF
        event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_CHANGED)
        assert (event.user, event.actor, event.organisation, event.ip) == (
            membership.user,
            manager,
            organisation,
            "198.51.100.2",
        )
        assert event.detail == "Référent de parcours → Accueil / assistant administratif"

    def test_same_role_is_a_no_op(self, manager, organisation):
        membership = MembershipFactory(organisation=organisation, role=Role.REFERENT)
        services.membership_change_role(membership=membership, role=Role.REFERENT, actor=manager)
        assert not SecurityEvent.objects.filter(kind=SecurityEventKind.ROLE_CHANGED).exists()

    def test_unknown_role(self, manager, organisation):
        membership = MembershipFactory(organisation=organisation)
        with pytest.raises(DomainError, match="Rôle inconnu"):
            services.membership_change_role(membership=membership, role="admin", actor=manager)

    def test_last_manager_keeps_the_role(self, manager, manager_membership, platform_admin):
        with pytest.raises(DomainError) as excinfo:
            services.membership_change_role(
                membership=manager_membership, role=Role.REFERENT, actor=platform_admin
            )
        assert excinfo.value.message == "La structure doit garder au moins un responsable actif."
        manager_membership.refresh_from_db()
        assert manager_membership.role == Role.MANAGER

    def test_inactive_managers_do_not_count(self, manager_membership, platform_admin, organisation):
        MembershipFactory(organisation=organisation, role=Role.MANAGER, inactive=True)
        MembershipFactory(organisation=organisation, role=Role.MANAGER, user__is_active=False)
        with pytest.raises(DomainError, match="au moins un responsable actif"):
            services.membership_change_role(
                membership=manager_membership, role=Role.STAFF, actor=platform_admin
            )

    def test_a_manager_may_step_down_when_another_remains(
        self, manager, manager_membership, organisation
    ):
        MembershipFactory(organisation=organisation, role=Role.MANAGER)
        services.membership_change_role(
            membership=manager_membership, role=Role.REFERENT, actor=manager
        )
        manager_membership.refresh_from_db()
        assert manager_membership.role == Role.REFERENT


class TestDeactivateReactivate:
    def test_deactivate_then_reactivate(self, manager, organisation):
        membership = MembershipFactory(organisation=organisation)
        services.membership_deactivate(membership=membership, actor=manager)
        membership.refresh_from_db()
        assert not membership.is_active
        assert membership.deactivated_at is not None
        assert not Membership.objects.active().filter(pk=membership.pk).exists()

        services.membership_reactivate(membership=membership, actor=manager)
        membership.refresh_from_db()
        assert membership.is_active
        assert membership.deactivated_at is None
        kinds = list(
            SecurityEvent.objects.filter(user=membership.user)
            .order_by("id")
            .values_list("kind", flat=True)
        )
        assert kinds == [
            SecurityEventKind.MEMBERSHIP_DEACTIVATED,
            SecurityEventKind.MEMBERSHIP_REACTIVATED,
        ]

    def test_cannot_deactivate_oneself(self, manager, manager_membership, organisation):
        MembershipFactory(organisation=organisation, role=Role.MANAGER)
        with pytest.raises(DomainError) as excinfo:
            services.membership_deactivate(membership=manager_membership, actor=manager)
        assert excinfo.value.message == "Vous ne pouvez pas désactiver votre propre accès."
        manager_membership.refresh_from_db()
        assert manager_membership.is_active

    def test_last_manager_cannot_be_deactivated(self, manager_membership, platform_admin):
        with pytest.raises(DomainError, match="au moins un responsable actif"):
            services.membership_deactivate(membership=manager_membership, actor=platform_admin)
        manager_membership.refresh_from_db()
        assert manager_membership.is_active

    def test_deactivating_twice_records_once(self, manager, organisation):
        membership = MembershipFactory(organisation=organisation)
        services.membership_deactivate(membership=membership, actor=manager)
        services.membership_deactivate(membership=membership, actor=manager)
        assert (
            SecurityEvent.objects.filter(kind=SecurityEventKind.MEMBERSHIP_DEACTIVATED).count() == 1
        )

    def test_reactivating_an_active_membership_is_a_no_op(self, manager, organisation):
        membership = MembershipFactory(organisation=organisation)
        services.membership_reactivate(membership=membership, actor=manager)
        assert not SecurityEvent.objects.filter(
            kind=SecurityEventKind.MEMBERSHIP_REACTIVATED
        ).exists()
