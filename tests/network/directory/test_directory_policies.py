"""Who may edit which directory entry and its services: role × relation × action."""

from __future__ import annotations

import pytest

from relais.network.directory import policies
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    own = OrganisationFactory(name="CCAS")
    other = OrganisationFactory(name="PLIE")
    members = {
        role: MembershipFactory(organisation=own, role=role)
        for role in ("manager", "referent", "staff")
    }
    other_manager = MembershipFactory(organisation=other, role="manager")
    ours = OrganisationFactory(is_external=True, created_by=members["staff"].user, siret="")
    theirs = OrganisationFactory(is_external=True, created_by=other_manager.user, siret="")
    orphan = OrganisationFactory(is_external=True, created_by=None, siret="")
    return {
        "own": own,
        "other": other,
        "members": members,
        "other_manager": other_manager,
        "ours": ours,
        "theirs": theirs,
        "orphan": orphan,
    }


@pytest.mark.parametrize(
    ("role", "target", "allowed"),
    [
        ("manager", "own", True),
        ("referent", "own", False),
        ("staff", "own", False),
        ("manager", "other", False),
        ("referent", "other", False),
        ("manager", "ours", True),
        ("referent", "ours", True),
        ("staff", "ours", True),
        ("manager", "theirs", False),
        ("referent", "theirs", False),
        ("manager", "orphan", False),
    ],
)
def test_edit_matrix(world, role, target, allowed):
    membership = world["members"][role]
    organisation = world[target]
    assert policies.can_edit_organisation(membership, organisation) is allowed
    assert policies.can_manage_services(membership, organisation) is allowed
    assert (organisation.pk in policies.editable_organisation_ids(membership)) is allowed


def test_the_other_side_of_the_matrix(world):
    other_manager = world["other_manager"]
    assert policies.can_edit_organisation(other_manager, world["theirs"])
    assert policies.can_edit_organisation(other_manager, world["other"])
    assert not policies.can_edit_organisation(other_manager, world["ours"])


def test_nobody_edits_without_a_membership_or_an_inactive_organisation(world):
    assert not policies.can_edit_organisation(None, world["own"])
    assert policies.editable_organisation_ids(None) == set()
    world["ours"].is_active = False
    assert not policies.can_edit_organisation(world["members"]["manager"], world["ours"])


def test_a_former_colleague_still_counts_as_the_partners_creator(world):
    """The partner was added by someone who has left: their former colleagues keep it."""
    creator = world["members"]["staff"]
    creator.is_active = False
    creator.save()
    assert policies.can_edit_organisation(world["members"]["referent"], world["ours"])


def test_any_member_creates_partners_managers_import(world):
    for role, membership in world["members"].items():
        assert policies.can_create_external_partner(membership)
        assert policies.can_read_directory(membership)
        assert policies.can_export_directory(membership)
        assert policies.can_import(membership) is (role == "manager")
    assert not policies.can_create_external_partner(None)


def test_unpublished_services_are_seen_by_their_editors_only(world):
    hidden = ServiceFactory(organisation=world["own"], is_published=False)
    shown = ServiceFactory(organisation=world["own"])
    assert policies.can_view_service(world["members"]["manager"], hidden)
    assert not policies.can_view_service(world["members"]["referent"], hidden)
    assert not policies.can_view_service(world["other_manager"], hidden)
    assert policies.can_view_service(world["other_manager"], shown)
    assert not policies.can_view_service(None, shown)


def test_user_without_membership_in_the_creating_organisation():
    partner = OrganisationFactory(is_external=True, created_by=UserFactory(), siret="")
    stranger = MembershipFactory(role="referent")
    assert not policies.can_edit_organisation(stranger, partner)
