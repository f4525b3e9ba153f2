"""Matching from a position ranks the persons the user co-follows in coordination teams,
on what each of them agreed to share only (decision 0061)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relais.core.models import AccessLogEntry
from relais.employment import matching, selectors
from relais.people.models import Person
from tests.factories import DiagnosticFactory, DomainAssessmentFactory, PersonFactory
from tests.factories.accounts import MembershipFactory
from tests.factories.employment import EmploymentProjectFactory, PositionFactory
from tests.factories.network.coordination import co_follower
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


def _elsewhere(other_organisation, **project):
    person = PersonFactory(
        organisation=other_organisation, first_names="Inès", birth_name="Partage"
    )
    EmploymentProjectFactory(person=person, **project)
    return person


def _rank(position, membership):
    own = Person.objects.own_of(membership)
    return matching.persons_for_position(
        position, own, sharing=selectors.cofollowed_sharing(membership)
    )


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="referent")


def test_cofollowed_person_with_pathway_shared_is_ranked_and_named(
    organisation, other_organisation, membership
):
    position = PositionFactory(employer__organisation=organisation, rome_code="K2204")
    person = _elsewhere(other_organisation, rome_code="K2204")
    co_follower(
        person, categories=("identity", "steps"), user=membership.user, organisation=organisation
    )
    [match] = _rank(position, membership)
    assert match.person == person and match.cofollowed
    assert match.label == person.display_name
    assert {c.label: c.points for c in match.criteria}["Métier"] == 40


def test_cofollowed_person_without_the_pathway_shared_is_not_ranked(
    organisation, other_organisation, membership
):
    position = PositionFactory(employer__organisation=organisation, rome_code="K2204")
    person = _elsewhere(other_organisation, rome_code="K2204")
    co_follower(
        person, categories=("identity", "notes"), user=membership.user, organisation=organisation
    )
    assert _rank(position, membership) == []


def test_ended_membership_or_withdrawn_consent_is_not_ranked(
    organisation, other_organisation, membership
):
    position = PositionFactory(employer__organisation=organisation, rome_code="K2204")
    ended = _elsewhere(other_organisation)
    co_follower(ended, user=membership.user, organisation=organisation, ended=True)
    no_consent = _elsewhere(other_organisation)
    co_follower(no_consent, user=membership.user, organisation=organisation, consent="")
    assert _rank(position, membership) == []


def test_another_professional_cofollowing_does_not_open_the_person_to_me(
    organisation, other_organisation, membership
):
    position = PositionFactory(employer__organisation=organisation, rome_code="K2204")
    person = _elsewhere(other_organisation)
    co_follower(person, organisation=organisation)  # a colleague, not me
    assert _rank(position, membership) == []


def test_identity_not_shared_shows_a_number(organisation, other_organisation, membership):
    position = PositionFactory(employer__organisation=organisation, rome_code="K2204")
    person = _elsewhere(other_organisation)
    co_follower(person, categories=("steps",), user=membership.user, organisation=organisation)
    [match] = _rank(position, membership)
    assert match.label == f"Personne n° {person.pk}"


def test_unshared_diagnostic_constraint_is_neither_used_nor_revealed(
    organisation, other_organisation, membership
):
    position = PositionFactory(employer__organisation=organisation, schedule="night")
    hidden = _elsewhere(other_organisation)
    DomainAssessmentFactory(
        diagnostic=DiagnosticFactory(person=hidden), domain="family", difficulty=3
    )
    co_follower(hidden, categories=("steps",), user=membership.user, organisation=organisation)
    shared = PersonFactory(organisation=other_organisation)
    EmploymentProjectFactory(person=shared)
    DomainAssessmentFactory(
        diagnostic=DiagnosticFactory(person=shared), domain="family", difficulty=3
    )
    co_follower(
        shared,
        categories=("steps", "diagnostic"),
        domains=("family",),
        user=membership.user,
        organisation=organisation,
    )
    ranked = {m.person: m for m in _rank(position, membership)}
    hours_hidden = {c.label: c for c in ranked[hidden].criteria}["Horaires"]
    assert hours_hidden.points == 10
    assert "non partagées" in hours_hidden.text and "relevée au diagnostic" not in hours_hidden.text
    assert ranked[hidden].not_shared == [
        "famille et garde d'enfants (diagnostic)",
        "santé (diagnostic)",
    ]
    hours_shared = {c.label: c for c in ranked[shared].criteria}["Horaires"]
    assert hours_shared.points == 5 and "relevée au diagnostic" in hours_shared.text


def test_unshared_driving_licence_is_to_be_checked(organisation, other_organisation, membership):
    position = PositionFactory(employer__organisation=organisation, driving_licence_required=True)
    person = _elsewhere(other_organisation)
    co_follower(person, categories=("steps",), user=membership.user, organisation=organisation)
    [match] = _rank(position, membership)
    licence = {c.label: c for c in match.criteria}["Permis"]
    assert licence.points == 0 and "à vérifier" in licence.text


def test_ranking_with_cofollowed_persons_costs_two_queries(
    organisation, other_organisation, membership
):
    position = PositionFactory(employer__organisation=organisation)
    for _ in range(6):
        co_follower(_elsewhere(other_organisation), user=membership.user, organisation=organisation)
        EmploymentProjectFactory(person=PersonFactory(organisation=organisation))
    sharing = selectors.cofollowed_sharing(membership)
    own = Person.objects.own_of(membership)
    ranked = []
    assert (
        count_queries(
            lambda: ranked.extend(matching.persons_for_position(position, own, sharing=sharing))
        )
        == 2
    )
    assert len(ranked) == 12 and sum(m.cofollowed for m in ranked) == 6


def test_matches_page_shows_the_cofollowed_person_with_its_explanation(
    client, organisation, other_organisation, membership
):
    position = PositionFactory(
        employer__organisation=organisation, rome_code="K2204", schedule="night"
    )
    person = _elsewhere(other_organisation)
    co_follower(person, categories=("steps",), user=membership.user, organisation=organisation)
    not_shared = _elsewhere(other_organisation)
    co_follower(
        not_shared, categories=("identity",), user=membership.user, organisation=organisation
    )
    login_verified(client, membership.user)
    response = client.get(reverse("employment:position_matches", args=[position.pk]))
    page = page_text(response)
    assert f"Personne n° {person.pk}" in page
    assert "Co-suivie" in page and "famille et garde d'enfants (diagnostic)" in page
    assert reverse("people:detail", args=[person.pk]) in page
    assert "Partage" not in page  # neither name is shown
    entry = AccessLogEntry.objects.get(action="list", target_type="employment.position")
    assert "1 personne(s)" in entry.summary
