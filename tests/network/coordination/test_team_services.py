"""Coordination team membership (relais.network.coordination.teams): inviting a professional
of another organisation, changing what is shared with them, leaving and ending (history
kept)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.network.coordination import teams
from relais.network.coordination.models import TeamMember
from relais.network.coordination.sharing_choices import HealthConsent
from relais.people.models import Person
from relais.people.policies import Capability, can
from tests.factories import (
    ConsentFactory,
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    co_follower,
)
from tests.network.coordination.support import add, make_setting, membership_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def setting():
    return make_setting()


# --- Invitation ------------------------------------------------------------------------------


def test_invitation_creates_the_team_and_the_member(setting):
    member = add(setting)
    assert member.team.person == setting["person"]
    assert member.shared_categories == ["identity", "steps"]
    assert member.started_on == TODAY()
    assert member.added_by == setting["referent"]
    person = Person.objects.get(pk=setting["person"].pk)
    membership = membership_of(setting["professional"], setting["partner"])
    assert can(membership, Capability.READ_STEPS, person)
    assert not can(membership, Capability.READ_DIAGNOSTIC, person)


def test_a_manager_may_invite(setting):
    manager = MembershipFactory(organisation=setting["organisation"], role="manager").user
    assert add(setting, actor=manager).pk


@pytest.mark.parametrize("who", ["staff", "co_follower", "other_organisation"])
def test_only_referents_and_managers_of_the_organisation_invite(setting, who):
    if who == "staff":
        actor = MembershipFactory(organisation=setting["organisation"], role="staff").user
    elif who == "co_follower":
        actor = co_follower(setting["person"]).user
    else:
        actor = MembershipFactory(organisation=OrganisationFactory(), role="manager").user
    with pytest.raises(PermissionDenied):
        add(setting, actor=actor)


def test_own_organisation_is_refused(setting):
    colleague = MembershipFactory(organisation=setting["organisation"]).user
    with pytest.raises(DomainError) as error:
        add(setting, organisation=setting["organisation"], user=colleague)
    assert error.value.field == "organisation"


def test_external_organisation_is_refused(setting):
    external = OrganisationFactory(is_external=True)
    ConsentFactory(person=setting["person"], purpose="share_org", partner_organisation=external)
    with pytest.raises(DomainError, match="n'utilise pas la plateforme"):
        add(setting, organisation=external)


def test_user_must_be_an_active_member_of_the_organisation(setting):
    elsewhere = MembershipFactory(organisation=OrganisationFactory()).user
    with pytest.raises(DomainError) as error:
        add(setting, user=elsewhere)
    assert error.value.field == "user"
    inactive = MembershipFactory(organisation=setting["partner"], inactive=True).user
    with pytest.raises(DomainError):
        add(setting, user=inactive)


def test_consent_is_required(setting):
    other = OrganisationFactory(name="CHRS du Centre", kind="chrs")
    pro = MembershipFactory(organisation=other).user
    with pytest.raises(DomainError, match="consentement") as error:
        add(setting, organisation=other, user=pro)
    assert error.value.field == "organisation"


def test_consent_for_the_kind_of_organisation_is_enough(setting):
    other = OrganisationFactory(kind="chrs")
    pro = MembershipFactory(organisation=other).user
    ConsentFactory(person=setting["person"], purpose="share_category", partner_category="chrs")
    assert add(setting, organisation=other, user=pro).pk


def test_one_active_membership_per_professional_and_organisation(setting):
    add(setting)
    with pytest.raises(DomainError, match="déjà partie") as error:
        add(setting)
    assert error.value.field == "user"


def test_role_is_required(setting):
    with pytest.raises(DomainError) as error:
        add(setting, role="   ")
    assert error.value.field == "role"
    with pytest.raises(DomainError):
        add(setting, role="x" * 201)


# --- Changing what is shared ---------------------------------------------------------------


def test_update_sharing_applies_at_once(setting):
    document = DocumentFactory(person=setting["person"])
    member = add(setting, categories=["identity", "documents"], documents=[document])
    membership = membership_of(setting["professional"], setting["partner"])
    assert can(membership, Capability.READ_DOCUMENTS, Person.objects.get(pk=setting["person"].pk))
    member = teams.team_member_update_sharing(
        member=member,
        actor=setting["referent"],
        categories=["identity", "diagnostic"],
        domains=["housing", "mobility"],
        role="Accompagnement logement",
    )
    assert member.shared_categories == ["identity", "diagnostic"]
    assert member.shared_domains == ["mobility", "housing"]  # the domains' order
    assert member.role == "Accompagnement logement"
    assert list(member.shared_documents.all()) == []
    person = Person.objects.get(pk=setting["person"].pk)
    assert not can(membership, Capability.READ_DOCUMENTS, person)
    assert can(membership, Capability.READ_DIAGNOSTIC, person)


def test_taking_health_back_clears_the_agreement(setting):
    member = add(
        setting,
        categories=["diagnostic", "health"],
        health_consent=HealthConsent(TODAY(), "oral_witness", "Témoin"),
    )
    member = teams.team_member_update_sharing(
        member=member, actor=setting["referent"], categories=["diagnostic"], domains=["employment"]
    )
    assert member.health_consent_on is None
    assert member.health_consent_method == ""


def test_update_sharing_by_the_member_is_refused(setting):
    member = add(setting)
    with pytest.raises(PermissionDenied):
        teams.team_member_update_sharing(
            member=member, actor=setting["professional"], categories=["identity"]
        )


# --- Leaving and ending --------------------------------------------------------------------


def test_member_leaves(setting):
    member = add(setting)
    member = teams.team_member_leave(member=member, actor=setting["professional"])
    assert member.ended_on == TODAY()
    assert member.end_reason == teams.LEFT_REASON
    assert member.ended_by == setting["professional"]
    assert TeamMember.objects.filter(pk=member.pk).exists()  # history kept
    membership = membership_of(setting["professional"], setting["partner"])
    assert not Person.objects.visible_to(membership).exists()


def test_only_the_member_leaves(setting):
    member = add(setting)
    with pytest.raises(PermissionDenied):
        teams.team_member_leave(member=member, actor=setting["referent"])


def test_referent_ends_a_membership_with_a_reason(setting):
    member = add(setting)
    with pytest.raises(DomainError) as error:
        teams.team_member_end(member=member, actor=setting["referent"], reason="  ")
    assert error.value.field == "reason"
    member = teams.team_member_end(
        member=member, actor=setting["referent"], reason="Fin de l'accompagnement emploi"
    )
    assert member.ended_on == TODAY()
    assert member.end_reason == "Fin de l'accompagnement emploi"
    with pytest.raises(DomainError, match="ne fait plus partie"):
        teams.team_member_end(member=member, actor=setting["referent"], reason="Encore")


def test_staff_cannot_end_a_membership(setting):
    member = add(setting)
    staff = MembershipFactory(organisation=setting["organisation"], role="staff").user
    with pytest.raises(PermissionDenied):
        teams.team_member_end(member=member, actor=staff, reason="Non")


def test_invited_again_after_leaving(setting):
    member = add(setting)
    teams.team_member_leave(member=member, actor=setting["professional"])
    again = add(setting)
    assert again.pk != member.pk
    assert TeamMember.objects.filter(team=member.team).count() == 2
