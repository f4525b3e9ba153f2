"""Who may manage members and read the access journal: role × situation matrix."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from relais.accounts.models import Role
from relais.accounts.policies import (
    active_membership,
    can_manage_members,
    can_read_journal,
    requires_second_factor,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def manager_of_other_organisation(organisation):
    return MembershipFactory(organisation=OrganisationFactory(), role=Role.MANAGER).user


def manager_and_referent_elsewhere(organisation):
    """Manager of another organisation, only referent here: the role is per organisation."""
    user = MembershipFactory(organisation=organisation, role=Role.REFERENT).user
    MembershipFactory(user=user, role=Role.MANAGER)
    return user


PEOPLE = {
    "referent": lambda org: MembershipFactory(organisation=org, role=Role.REFERENT).user,
    "manager": lambda org: MembershipFactory(organisation=org, role=Role.MANAGER).user,
    "staff": lambda org: MembershipFactory(organisation=org, role=Role.STAFF).user,
    "other organisation's manager": manager_of_other_organisation,
    "referent here, manager elsewhere": manager_and_referent_elsewhere,
    "inactive manager membership": lambda org: (
        MembershipFactory(organisation=org, role=Role.MANAGER, inactive=True).user
    ),
    "deactivated manager account": lambda org: (
        MembershipFactory(organisation=org, role=Role.MANAGER, user__is_active=False).user
    ),
    "platform admin without membership": lambda org: UserFactory(is_staff=True, is_superuser=True),
    "anonymous": lambda org: AnonymousUser(),
}

# who: (can_manage_members, can_read_journal)
EXPECTED = {
    "referent": (False, False),
    "manager": (True, True),
    "staff": (False, False),
    "other organisation's manager": (False, False),
    "referent here, manager elsewhere": (False, False),
    "inactive manager membership": (False, False),
    "deactivated manager account": (False, False),
    "platform admin without membership": (False, False),
    "anonymous": (False, False),
}


@pytest.mark.parametrize("who", list(PEOPLE))
def test_matrix(who, organisation):
    user = PEOPLE[who](organisation)
    assert (can_manage_members(user, organisation), can_read_journal(user, organisation)) == (
        EXPECTED[who]
    )


def test_manager_of_a_deactivated_organisation(organisation):
    user = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    organisation.is_active = False
    organisation.save()
    assert not can_manage_members(user, organisation)
    assert not can_read_journal(user, organisation)
    assert active_membership(user, organisation) is None


def test_no_organisation(manager):
    assert not can_manage_members(manager, None)
    assert not can_read_journal(manager, None)


def test_second_factor_is_required_unless_the_demo_turns_it_off(manager):
    assert requires_second_factor(manager)
    with override_settings(RELAIS_OTP_REQUIRED=False):
        assert not requires_second_factor(manager)
