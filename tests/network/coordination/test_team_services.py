"""Coordination team services: inviting a professional of another organisation, what is
shared with them, leaving and ending (history kept), and what an active member adds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied
from relais.network.coordination import teams
from relais.network.coordination.models import TeamMember
from relais.pathways.models import NoteVisibility, StepOwner
from relais.people.models import Person
from relais.people.policies import Capability, can
from tests.factories import (
    ConsentFactory,
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    co_follower,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def setting():
    organisation = OrganisationFactory()
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(organisation=organisation, referent=referent)
    partner = OrganisationFactory(name="Mission locale Nord", kind="mission_locale")
    professional = MembershipFactory(organisation=partner, role="referent").user
    ConsentFactory(person=person, purpose="share_org", partner_organisation=partner)
    return {
        "organisation": organisation,
        "referent": referent,
        "person": person,
        "partner": partner,
        "professional": professional,
    }


def add(setting, **overrides):
    values = {
        "person": setting["person"],
        "actor": setting["referent"],
        "organisation": setting["partner"],
        "user": setting["professional"],
        "role": "Conseillère mission locale — emploi",
        "categories": ["identity", "steps"],
    }
    values.update(overrides)
    return teams.team_member_add(**values)


def membership_of(user, organisation):
    from relais.accounts.models import Membership

    return Membership.objects.get(user=user, organisation=organisation)


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


def test_categories_are_kept_in_a_fixed_order(setting):
    member = add(setting, categories=["steps", "identity", "notes"])
    assert member.shared_categories == ["identity", "steps", "notes"]


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


@pytest.mark.parametrize(
    ("sharing", "field", "message"),
    [
        ({"categories": []}, "categories", "au moins une"),
        ({"categories": ["secret"]}, "categories", "inconnue"),
        ({"categories": ["health"]}, "categories", "cochez aussi"),
        ({"categories": ["diagnostic"]}, "domains", "domaines"),
        ({"categories": ["diagnostic"], "domains": ["health"]}, "domains", "Santé"),
        ({"categories": ["diagnostic"], "domains": ["astrology"]}, "domains", "inconnu"),
        ({"categories": ["documents"]}, "documents", "documents"),
        (
            {"categories": ["diagnostic", "health"], "domains": ["employment"]},
            "health_consent_on",
            "accord explicite",
        ),
        (
            {
                "categories": ["diagnostic", "health"],
                "domains": ["employment"],
                "health_consent": teams.HealthConsent(TODAY(), "oral_witness", ""),
            },
            "health_consent_witness",
            "témoin",
        ),
        (
            {
                "categories": ["diagnostic", "health"],
                "health_consent": teams.HealthConsent(
                    TODAY() + dt.timedelta(days=2), "oral_witness", "Témoin"
                ),
            },
            "health_consent_on",
            "futur",
        ),
        (
            {
                "categories": ["diagnostic", "health"],
                "health_consent": teams.HealthConsent(TODAY(), "smoke_signal", ""),
            },
            "health_consent_method",
            "recueilli",
        ),
    ],
)
def test_bad_sharing_is_refused_with_its_field(setting, sharing, field, message):
    with pytest.raises(DomainError, match=message) as error:
        add(setting, **sharing)
    assert error.value.field == field
    assert not TeamMember.objects.exists()


def test_documents_must_be_the_persons(setting):
    stranger = DocumentFactory()
    with pytest.raises(DomainError, match="n'appartient pas") as error:
        add(setting, categories=["documents"], documents=[stranger])
    assert error.value.field == "documents"


def test_health_with_the_persons_agreement(setting):
    member = add(
        setting,
        categories=["diagnostic", "health"],
        health_consent=teams.HealthConsent(TODAY(), "oral_witness", "  Mme Durand  "),
    )
    assert member.shared_domains == []
    assert member.health_consent_on == TODAY()
    assert member.health_consent_witness == "Mme Durand"
    person = Person.objects.get(pk=setting["person"].pk)
    from relais.people.policies import can_read_domain

    membership = membership_of(setting["professional"], setting["partner"])
    assert can_read_domain(membership, person, "health")
    assert not can_read_domain(membership, person, "employment")


def test_domains_and_documents_only_with_their_category(setting):
    document = DocumentFactory(person=setting["person"])
    member = add(setting, categories=["identity"], domains=["employment"], documents=[document])
    assert member.shared_domains == []
    assert list(member.shared_documents.all()) == []


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
        health_consent=teams.HealthConsent(TODAY(), "oral_witness", "Témoin"),
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


# --- What an active member adds ------------------------------------------------------------


@pytest.fixture
def member_setting(setting):
    member = add(setting, categories=["identity", "steps", "notes"])
    pathway = PathwayFactory(person=setting["person"], referent=setting["referent"])
    person = Person.objects.get(pk=setting["person"].pk)
    return {
        **setting,
        "member": member,
        "pathway": pathway,
        "person": person,
        "membership": membership_of(setting["professional"], setting["partner"]),
    }


def test_member_adds_a_step_carried_by_themselves(member_setting):
    s = member_setting
    step = teams.team_step_add(
        membership=s["membership"],
        actor=s["professional"],
        person=s["person"],
        pathway=s["pathway"],
        kind="workshop",
        title="Atelier CV à la mission locale",
        planned_on=TODAY() + dt.timedelta(days=7),
    )
    assert step.pathway == s["pathway"]
    assert step.owner == StepOwner.PARTNER
    assert step.owner_name == f"{s['professional'].get_full_name()} (Mission locale Nord)"
    assert step.updated_by == s["professional"]
    assert step.status == "planned"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"kind": "referral"}, "kind"),
        ({"owner": "nobody"}, "owner"),
        ({"planned_on": dt.date(1900, 1, 1)}, "planned_on"),
    ],
)
def test_member_step_bad_input(member_setting, overrides, field):
    s = member_setting
    values = {
        "membership": s["membership"],
        "actor": s["professional"],
        "person": s["person"],
        "pathway": s["pathway"],
        "kind": "other",
        "title": "Une action",
        **overrides,
    }
    with pytest.raises(DomainError) as error:
        teams.team_step_add(**values)
    assert error.value.field == field


def test_member_cannot_add_a_step_to_a_closed_or_foreign_pathway(member_setting):
    s = member_setting
    closed = PathwayFactory(person=s["person"], status="closed")
    foreign = PathwayFactory()
    for pathway in (closed, foreign):
        with pytest.raises(DomainError):
            teams.team_step_add(
                membership=s["membership"],
                actor=s["professional"],
                person=s["person"],
                pathway=pathway,
                kind="other",
                title="Action",
            )


def test_member_without_steps_cannot_add_one(member_setting):
    s = member_setting
    teams.team_member_update_sharing(
        member=s["member"], actor=s["referent"], categories=["identity"]
    )
    person = Person.objects.get(pk=s["person"].pk)
    with pytest.raises(PermissionDenied):
        teams.team_step_add(
            membership=s["membership"],
            actor=s["professional"],
            person=person,
            pathway=s["pathway"],
            kind="other",
            title="Action",
        )


def test_acting_for_someone_else_is_refused(member_setting):
    s = member_setting
    with pytest.raises(PermissionDenied):
        teams.team_step_add(
            membership=s["membership"],
            actor=s["referent"],
            person=s["person"],
            pathway=s["pathway"],
            kind="other",
            title="Action",
        )


def test_member_note_is_shared_with_the_team(member_setting):
    s = member_setting
    note = teams.team_note_add(
        membership=s["membership"],
        actor=s["professional"],
        person=s["person"],
        kind="phone",
        occurred_on=TODAY(),
        body="Appel : la personne a rendez-vous à la mission locale mardi.",
    )
    assert note.visibility == NoteVisibility.TEAM
    assert note.author == s["professional"]
    referent_membership = membership_of(s["referent"], s["organisation"])
    from relais.people.policies import can_read_note

    note.person = Person.objects.get(pk=s["person"].pk)
    assert can_read_note(referent_membership, note)


def test_member_appointment_is_with_themselves(member_setting):
    s = member_setting
    starts = timezone.now() + dt.timedelta(days=3)
    appointment = teams.team_appointment_add(
        membership=s["membership"],
        actor=s["professional"],
        person=s["person"],
        starts_at=starts,
        purpose="Point emploi",
        location="Mission locale, bureau 2",
    )
    assert appointment.with_user == s["professional"]
    assert appointment.pathway is None
    with pytest.raises(DomainError) as error:
        teams.team_appointment_add(
            membership=s["membership"],
            actor=s["professional"],
            person=s["person"],
            starts_at=starts,
            purpose="Point",
            duration_minutes=2,
        )
    assert error.value.field == "duration_minutes"


def test_ended_member_adds_nothing(member_setting):
    s = member_setting
    teams.team_member_end(member=s["member"], actor=s["referent"], reason="Fin")
    person = Person.objects.get(pk=s["person"].pk)
    with pytest.raises(PermissionDenied):
        teams.team_appointment_add(
            membership=s["membership"],
            actor=s["professional"],
            person=person,
            starts_at=timezone.now() + dt.timedelta(days=1),
            purpose="Point",
        )


def test_team_members_lists_history_and_suspended_access(member_setting):
    s = member_setting
    other = co_follower(s["person"], consent="")  # consent missing: suspended
    gone = co_follower(s["person"], ended=True)
    rows = teams.team_members(s["person"])
    assert [m.pk for m in rows] == [other.pk, s["member"].pk, gone.pk]  # current first
    consent = {m.pk: m.has_consent for m in rows}
    assert consent[s["member"].pk] is True
    assert consent[other.pk] is False


def test_cofollowed_lists_the_active_memberships(member_setting):
    s = member_setting
    second = PersonFactory()
    co_follower(second, user=s["professional"], organisation=s["partner"])
    ended_person = PersonFactory()
    co_follower(ended_person, user=s["professional"], organisation=s["partner"], ended=True)
    rows = teams.cofollowed(s["membership"])
    assert {m.team.person_id for m in rows} == {s["person"].pk, second.pk}
