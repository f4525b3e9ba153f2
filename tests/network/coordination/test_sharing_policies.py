"""The cross-organisation access matrix, at the policy level: relation to the person (role in
the person's organisation; team member of another organisation with each category shared
or not; ended member; member whose organisation's consent was withdrawn; unrelated
professional) × category × action (read / write).

The same expectations drive the page tests (tests/web/teams/test_cofollow_access.py)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.accounts.models import Membership
from relais.network.coordination.sharing import access_for, forget
from relais.people import services as people_services
from relais.people.models import Consent, Person
from relais.people.policies import (
    Capability,
    can,
    can_read_document,
    can_read_domain,
    can_read_note,
)
from tests.factories import (
    AppointmentFactory,
    DocumentFactory,
    MembershipFactory,
    NoteFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    co_follower,
)

pytestmark = pytest.mark.django_db

# Each checked (category, action), as the function answering it.
CHECKS = {
    "identity.read": lambda m, s: can(m, Capability.READ_IDENTITY, s["person"]),
    "identity.write": lambda m, s: can(m, Capability.IDENTITY, s["person"]),
    "situation.read": lambda m, s: can(m, Capability.READ_SITUATION, s["person"]),
    "situation.write": lambda m, s: can(m, Capability.ACCOMPANIMENT, s["person"]),
    "diagnostic.read": lambda m, s: can_read_domain(m, s["person"], "employment"),
    "diagnostic.read_unshared_domain": lambda m, s: can_read_domain(m, s["person"], "housing"),
    "health.read": lambda m, s: can_read_domain(m, s["person"], "health"),
    "diagnostic.write": lambda m, s: can(m, Capability.ACCOMPANIMENT, s["person"]),
    "steps.read": lambda m, s: can(m, Capability.READ_STEPS, s["person"]),
    "steps.write": lambda m, s: can(m, Capability.ADD_STEP, s["person"]),
    "notes.read_team": lambda m, s: can_read_note(m, s["team_note"]),
    "notes.read_organisation": lambda m, s: can_read_note(m, s["org_note"]),
    "notes.read_author_only": lambda m, s: can_read_note(m, s["author_note"]),
    "notes.write": lambda m, s: can(m, Capability.ADD_NOTE, s["person"]),
    "documents.read_chosen": lambda m, s: can_read_document(m, s["chosen_document"]),
    "documents.read_not_chosen": lambda m, s: can_read_document(m, s["other_document"]),
    "documents.write": lambda m, s: can(m, Capability.ACCOMPANIMENT, s["person"]),
    "appointments.read_all": lambda m, s: can(m, Capability.APPOINTMENTS, s["person"]),
    "appointments.write": lambda m, s: can(m, Capability.ADD_APPOINTMENT, s["person"]),
    "team.see": lambda m, s: can(m, Capability.TEAM, s["person"]),
    "team.manage": lambda m, s: can(m, Capability.MANAGE_TEAM, s["person"]),
}

ALL = set(CHECKS)
OWN_FULL = ALL - {"notes.read_author_only"}  # another author's "author only" note
STAFF = {"identity.read", "identity.write", "appointments.read_all", "appointments.write"}
MEMBER_BASE = {"appointments.write", "team.see"}
BY_CATEGORY = {
    "identity": {"identity.read"},
    "situation": {"situation.read"},
    "diagnostic": {"diagnostic.read"},
    "steps": {"steps.read", "steps.write"},
    "notes": {"notes.read_team", "notes.write"},
    "documents": {"documents.read_chosen"},
}
EVERY_CATEGORY = [
    "identity",
    "situation",
    "diagnostic",
    "health",
    "steps",
    "notes",
    "documents",
]
MEMBER_ALL = MEMBER_BASE.union(*BY_CATEGORY.values(), {"health.read"})

# relation → the checks that must answer yes (every other check must answer no).
EXPECTED: dict[str, set[str]] = {
    "referent": OWN_FULL,
    "manager": OWN_FULL,
    "staff": STAFF,
    **{f"member_{c}": MEMBER_BASE | BY_CATEGORY[c] for c in BY_CATEGORY},
    "member_health": MEMBER_BASE | {"diagnostic.read", "health.read"},
    # "health" ticked without the person's explicit agreement on record: not shown.
    "member_health_without_agreement": MEMBER_BASE | {"diagnostic.read"},
    "member_all": MEMBER_ALL,
    "member_by_category_consent": MEMBER_ALL,
    "ended_member": set(),
    "withdrawn_member": set(),
    "member_without_consent": set(),
    "unrelated": set(),
    "other_organisation_colleague": set(),
}


def build(relation: str) -> dict:
    """A person of organisation A with one record of each kind, and the membership of the
    professional in `relation` with them."""
    organisation = OrganisationFactory()
    author = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(organisation=organisation, referent=author)
    scenario = {
        "person": person,
        "team_note": NoteFactory(person=person, author=author, visibility="team"),
        "org_note": NoteFactory(person=person, author=author, visibility="organisation"),
        "author_note": NoteFactory(person=person, author=author, visibility="author"),
        "chosen_document": DocumentFactory(person=person, uploaded_by=author),
        "other_document": DocumentFactory(person=person, uploaded_by=author, title="Avis"),
    }
    AppointmentFactory(person=person, with_user=author)
    chosen = [scenario["chosen_document"]]
    member = None
    if relation in ("referent", "manager", "staff"):
        user = MembershipFactory(organisation=organisation, role=relation).user
        membership = Membership.objects.get(user=user)
    elif relation == "unrelated":
        membership = MembershipFactory(organisation=OrganisationFactory())
    else:
        options = {
            "categories": EVERY_CATEGORY,
            "domains": ["employment"],
            "documents": chosen,
            "health": True,
        }
        if relation.startswith("member_") and relation.removeprefix("member_") in BY_CATEGORY:
            category = relation.removeprefix("member_")
            options["categories"] = [category]
            options["health"] = False
        elif relation == "member_health":
            options["categories"] = ["diagnostic", "health"]
        elif relation == "member_health_without_agreement":
            options["categories"] = ["diagnostic", "health"]
            options["health"] = False
        elif relation == "member_by_category_consent":
            options["consent"] = "category"
        elif relation == "ended_member":
            options["ended"] = True
        elif relation == "member_without_consent":
            options["consent"] = ""
        member = co_follower(person, **options)
        membership = Membership.objects.get(user=member.user)
        if relation == "withdrawn_member":
            consent = Consent.objects.get(person=person, partner_organisation=member.organisation)
            people_services.consent_withdraw(
                consent=consent,
                actor=author,
                decided_on=timezone.localdate(),
                method="oral_witness",
                witness_name="Collègue témoin",
            )
        if relation == "other_organisation_colleague":
            # A colleague of the member, in the same organisation, not in the team.
            membership = MembershipFactory(organisation=member.organisation, role="referent")
    # Each check reads the person afresh, as a request would.
    fresh = Person.objects.get(pk=person.pk)
    for key in ("team_note", "org_note", "author_note", "chosen_document", "other_document"):
        scenario[key].person = fresh
    scenario["person"] = fresh
    scenario["membership"] = membership
    scenario["member"] = member
    return scenario


MATRIX = [(relation, check) for relation in EXPECTED for check in CHECKS]


@pytest.mark.parametrize(("relation", "check"), MATRIX)
def test_policy_matrix(relation, check):
    scenario = build(relation)
    answer = CHECKS[check](scenario["membership"], scenario)
    assert answer is (check in EXPECTED[relation]), f"{relation} × {check}"


@pytest.mark.parametrize("relation", list(EXPECTED))
def test_visibility_follows_the_access(relation):
    scenario = build(relation)
    visible = (
        Person.objects.visible_to(scenario["membership"]).filter(pk=scenario["person"].pk).exists()
    )
    assert visible is bool(EXPECTED[relation])


def test_withdrawal_removes_access_at_once():
    scenario = build("member_all")
    membership, person = scenario["membership"], scenario["person"]
    assert can(membership, Capability.READ_STEPS, person)
    consent = Consent.objects.get(person=person, partner_organisation=membership.organisation)
    people_services.consent_withdraw(
        consent=consent,
        actor=person.referent,
        decided_on=timezone.localdate(),
        method="oral_witness",
        witness_name="Témoin",
    )
    # The same instance keeps its access for the request that loaded it…
    assert can(membership, Capability.READ_STEPS, person)
    # …the next read (a new request) does not.
    forget(person)
    assert not can(membership, Capability.READ_STEPS, person)
    assert not Person.objects.visible_to(membership).filter(pk=person.pk).exists()


def test_consent_given_again_restores_access():
    scenario = build("withdrawn_member")
    membership, person = scenario["membership"], scenario["person"]
    assert not can(membership, Capability.VIEW, person)
    people_services.consent_give(
        person=person,
        actor=person.referent,
        purpose="share_org",
        decided_on=timezone.localdate(),
        method="oral_witness",
        witness_name="Témoin",
        partner_organisation=membership.organisation,
    )
    forget(person)
    assert can(membership, Capability.VIEW, person)


def test_consent_for_another_organisation_does_not_count():
    person = PersonFactory()
    member = co_follower(person, consent="")
    other = OrganisationFactory()
    people_services.consent_give(
        person=person,
        actor=UserFactory(),
        purpose="share_org",
        decided_on=timezone.localdate(),
        method="oral_witness",
        witness_name="Témoin",
        partner_organisation=other,
    )
    membership = Membership.objects.get(user=member.user)
    assert not can(membership, Capability.VIEW, Person.objects.get(pk=person.pk))


def test_inactive_membership_of_the_member_sees_nothing():
    scenario = build("member_all")
    membership = scenario["membership"]
    membership.is_active = False
    membership.save()
    assert not Person.objects.visible_to(membership).exists()
    assert not can(membership, Capability.VIEW, scenario["person"])


def test_acting_for_another_organisation_gives_no_access():
    """The team membership is for (user, organisation): acting for another of the user's
    organisations, the user does not see the person."""
    scenario = build("member_all")
    user = scenario["member"].user
    elsewhere = MembershipFactory(user=user, organisation=OrganisationFactory())
    assert not Person.objects.visible_to(elsewhere).filter(pk=scenario["person"].pk).exists()
    assert not can(elsewhere, Capability.VIEW, scenario["person"])


def test_access_is_explicit_data():
    scenario = build("member_diagnostic")
    access = access_for(scenario["membership"], scenario["person"])
    assert access.is_team
    assert access.categories == frozenset({"diagnostic"})
    assert access.domains == frozenset({"employment"})
    assert access.document_ids == frozenset()
    assert [m.pk for m in access.members] == [scenario["member"].pk]
    own = access_for(Membership.objects.get(user=scenario["person"].referent), scenario["person"])
    assert own.is_own and own.domains is None and own.document_ids is None


def test_own_organisation_path_makes_no_query(django_assert_num_queries):
    scenario = build("referent")
    with django_assert_num_queries(0):
        assert can(scenario["membership"], Capability.READ_STEPS, scenario["person"])
        assert can_read_note(scenario["membership"], scenario["org_note"])


def test_team_access_is_computed_once_per_instance(django_assert_num_queries):
    scenario = build("member_all")
    membership, person = scenario["membership"], scenario["person"]
    with django_assert_num_queries(2):  # memberships, then the chosen documents' ids
        for capability in Capability:
            can(membership, capability, person)


def test_visible_to_is_one_query(django_assert_num_queries):
    scenario = build("member_all")
    for _ in range(3):
        co_follower(
            PersonFactory(),
            user=scenario["member"].user,
            organisation=scenario["member"].organisation,
        )
    PersonFactory(organisation=scenario["membership"].organisation)
    with django_assert_num_queries(1):
        persons = list(Person.objects.visible_to(scenario["membership"]))
    assert len(persons) == 5  # 4 co-followed + 1 of the member's own organisation


def test_visible_to_own_organisation_unchanged():
    organisation = OrganisationFactory()
    mine = PersonFactory(organisation=organisation)
    PersonFactory()  # another organisation's
    membership = MembershipFactory(organisation=organisation)
    assert list(Person.objects.visible_to(membership)) == [mine]
    assert not Person.objects.visible_to(None).exists()


def test_own_of_is_visible_to_without_the_co_followed_persons():
    scenario = build("member_all")
    membership = scenario["membership"]
    co_follower(PersonFactory(), user=scenario["member"].user, organisation=membership.organisation)
    own = PersonFactory(organisation=membership.organisation)
    expected = Person.objects.visible_to(membership).filter(
        organisation_id=membership.organisation_id
    )
    assert set(Person.objects.own_of(membership)) == set(expected)
    assert own in Person.objects.own_of(membership)
    assert Person.objects.visible_to(membership).count() > Person.objects.own_of(membership).count()
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    membership.refresh_from_db()
    assert not Person.objects.own_of(membership).exists()
    assert not Person.objects.own_of(None).exists()
