"""What the person reads of their team (how to reach each professional) and of their reviews
(what they said, what was decided — not the professional's analysis)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    ReviewFactory,
    co_follower,
)
from tests.factories.person_space import SpaceAccessFactory, space_client
from tests.helpers import count_queries, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def access():
    access = SpaceAccessFactory()
    person = access.person
    person.referent = access.invited_by
    person.save(update_fields=["referent"])
    PathwayFactory(person=person, organisation=person.organisation, referent=access.invited_by)
    return access


def test_the_team_and_how_to_reach_each_professional(client, access):
    partner = OrganisationFactory(phone="01 23 45 67 89", email="accueil@partenaire.fr")
    co_follower(access.person, organisation=partner, role="Conseillère emploi")
    silent = OrganisationFactory(phone="", email="")
    co_follower(access.person, organisation=silent, role="Infirmière")
    space_client(client, access)
    text = page_text(client.get(reverse("space:pathway")))
    assert f"mailto:{access.invited_by.email}" in text
    assert "Conseillère emploi" in text
    assert 'href="tel:0123456789"' in text
    assert "mailto:accueil@partenaire.fr" in text
    assert "Demandez ses coordonnées à votre référent·e." in text


def test_an_ended_team_member_is_not_listed(client, access):
    co_follower(access.person, role="Éducatrice partie", ended=True)
    space_client(client, access)
    assert "Éducatrice partie" not in page_text(client.get(reverse("space:pathway")))


def test_reviews_show_what_the_person_said_and_what_was_decided(client, access):
    pathway = access.person.pathways.get()
    ReviewFactory(
        pathway=pathway,
        author=access.invited_by,
        person_view="Je me sens mieux",
        adjustments="Ajouter un atelier CV",
        risks="RISQUE-PROFESSIONNEL",
        success_factors="FACTEUR-PROFESSIONNEL",
    )
    other = ReviewFactory(
        pathway=PathwayFactory(person=PersonFactory(organisation=access.person.organisation)),
        person_view="AVIS-D-UNE-AUTRE-PERSONNE",
    )
    space_client(client, access)
    text = page_text(client.get(reverse("space:diagnostic")))
    assert "Je me sens mieux" in text
    assert "Ajouter un atelier CV" in text
    assert "RISQUE-PROFESSIONNEL" not in text
    assert "FACTEUR-PROFESSIONNEL" not in text
    assert other.person_view not in text


def test_no_review_yet(client, access):
    space_client(client, access)
    assert "Pas encore de bilan." in page_text(client.get(reverse("space:diagnostic")))


def test_query_counts_do_not_grow(client, access):
    space_client(client, access)
    pathway = access.person.pathways.get()
    ReviewFactory(pathway=pathway, person_view="un")
    co_follower(access.person)
    client.get(reverse("space:diagnostic"))
    few = {
        name: count_queries(lambda n=name: client.get(reverse(n)))
        for name in ("space:diagnostic", "space:pathway")
    }
    for _ in range(6):
        ReviewFactory(pathway=pathway, person_view="encore")
        co_follower(access.person)
    for name, count in few.items():
        assert count_queries(lambda n=name: client.get(reverse(n))) == count, name
