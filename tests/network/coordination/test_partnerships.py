"""Declared partnerships: managers only, one per (source, target, kind), reopening, ending."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.network.coordination.models import Partnership
from relais.network.coordination.partnerships import (
    can_declare_partnership,
    can_end_partnership,
    partnership_declare,
    partnership_end,
)
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(organisation):
    return MembershipFactory(organisation=organisation, role="manager")


@pytest.fixture
def partner(db):
    return OrganisationFactory(name="PLIE Uni-Est")


def declare(membership, target, kind="agreement", **kwargs):
    return partnership_declare(membership=membership, target=target, kind=kind, **kwargs)


def test_a_manager_declares_for_their_organisation(manager, partner):
    partnership = declare(
        manager, partner, description="Convention 2026", started_on=date(2026, 1, 5)
    )
    assert partnership.source == manager.organisation
    assert partnership.target == partner
    assert partnership.declared_by == manager.user
    assert partnership.description == "Convention 2026"


@pytest.mark.parametrize("role", ["referent", "staff"])
def test_referents_and_staff_may_not_declare(organisation, partner, role):
    membership = MembershipFactory(organisation=organisation, role=role)
    assert not can_declare_partnership(membership)
    with pytest.raises(PermissionDenied):
        declare(membership, partner)
    assert not Partnership.objects.exists()


def test_an_inactive_membership_may_not_declare(organisation, partner):
    membership = MembershipFactory(organisation=organisation, role="manager", inactive=True)
    with pytest.raises(PermissionDenied):
        declare(membership, partner)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "friendship"}, "kind"),
        ({"description": "x" * 301}, "description"),
        ({"started_on": timezone.localdate() + timedelta(days=1)}, "started_on"),
    ],
)
def test_bad_input(manager, partner, change, field):
    with pytest.raises(DomainError) as error:
        declare(manager, partner, **change)
    assert error.value.field == field


def test_not_with_oneself_nor_an_inactive_organisation(manager):
    with pytest.raises(DomainError) as error:
        declare(manager, manager.organisation)
    assert error.value.field == "target"
    with pytest.raises(DomainError):
        declare(manager, OrganisationFactory(is_active=False))


def test_declared_twice_or_already_declared_by_the_partner(manager, partner):
    declare(manager, partner)
    with pytest.raises(DomainError, match="déjà déclaré"):
        declare(manager, partner)
    declare(manager, partner, kind="funding")  # another kind is another tie
    other_manager = MembershipFactory(organisation=partner, role="manager")
    with pytest.raises(DomainError, match="a déjà déclaré ce partenariat"):
        declare(other_manager, manager.organisation)


def test_an_ended_partnership_is_reopened(manager, partner):
    partnership = declare(manager, partner)
    partnership_end(membership=manager, partnership=partnership)
    reopened = declare(manager, partner, description="Nouvelle convention")
    assert reopened.pk == partnership.pk
    assert reopened.ended_on is None
    assert reopened.description == "Nouvelle convention"


def test_either_side_manager_ends_it(manager, partner):
    partnership = PartnershipFactory(source=manager.organisation, target=partner)
    partner_manager = MembershipFactory(organisation=partner, role="manager")
    referent = MembershipFactory(organisation=partner, role="referent")
    outsider = MembershipFactory(role="manager")
    assert can_end_partnership(manager, partnership)
    assert can_end_partnership(partner_manager, partnership)
    assert not can_end_partnership(referent, partnership)
    assert not can_end_partnership(outsider, partnership)
    with pytest.raises(PermissionDenied):
        partnership_end(membership=outsider, partnership=partnership)
    ended = partnership_end(membership=partner_manager, partnership=partnership)
    assert ended.ended_on == timezone.localdate()
    with pytest.raises(DomainError, match="déjà terminé"):
        partnership_end(membership=manager, partnership=partnership)


def test_end_before_start_is_refused(manager, partner):
    partnership = PartnershipFactory(
        source=manager.organisation, target=partner, started_on=date(2026, 1, 1)
    )
    with pytest.raises(DomainError) as error:
        partnership_end(membership=manager, partnership=partnership, ended_on=date(2025, 12, 31))
    assert error.value.field == "ended_on"
