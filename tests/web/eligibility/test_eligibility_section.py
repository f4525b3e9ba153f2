"""The « Dispositifs mobilisables » section of the person page: référents and managers only,
each scheme with its status, criteria and proofs, constant queries."""

from __future__ import annotations

import re

import pytest

from tests.factories import (
    DiagnosticFactory,
    DomainAssessmentFactory,
    LifeEventFactory,
    PathwayFactory,
    PersonFactory,
)
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(
        organisation=organisation,
        referent=referent,
        resources=["rsa"],
        household="alone_children",
        education_level="3",
        administrative_status="french",
    )


def section_text(client, person) -> str:
    """The section, as loaded when the user opens it on the person page."""
    page = page_text(client.get(f"/personnes/{person.pk}/"))
    assert 'id="dispositifs"' in page
    assert "Dispositifs mobilisables" in page
    return "Dispositifs mobilisables\n" + page_text(
        client.get(f"/personnes/{person.pk}/sections/dispositifs/")
    )


def scheme_block(text: str, key: str) -> str:
    start = text.index(f'class="relais-scheme" data-testid="scheme-{key}"')
    end = text.find('class="relais-scheme" data-testid=', start + 10)
    return text[start : end if end > 0 else len(text)]


def test_referent_sees_the_schemes(referent_client, person):
    diagnostic = DiagnosticFactory(person=person)
    DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", barriers=["FT24"])
    text = section_text(referent_client, person)
    assert "Dispositifs mobilisables" in text
    iae = scheme_block(text, "iae")
    assert "Probablement éligible" in iae
    assert "Bénéficiaire du RSA" in iae
    assert "Attestation RSA" in iae and "Datant de moins de 3 mois" in iae
    rsa = scheme_block(text, "rsa")
    assert "Probablement éligible" in rsa
    cej = scheme_block(text, "cej")
    assert re.search(r"Non éligible|À vérifier|Probablement éligible", cej)
    pmsmp = scheme_block(text, "pmsmp")
    assert "13912" in pmsmp and "Conditions" in pmsmp
    assert "Trouver un service pour « Sans hébergement / rupture effective de logement »" in text


def test_unknowns_are_listed_with_what_to_check(referent_client, organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent)
    text = section_text(referent_client, person)
    iae = scheme_block(text, "iae")
    assert "À vérifier" in iae
    assert "ressources non renseignées dans le dossier" in iae
    assert "Le diagnostic partagé permettra de chercher un service" in text


def test_pathway_in_progress_is_shown(referent_client, person):
    PathwayFactory(person=person, scheme="rsa")
    text = section_text(referent_client, person)
    assert "Parcours en cours" in scheme_block(text, "rsa")


def test_staff_does_not_see_the_section(client, staff_member, person):
    login_verified(client, staff_member)
    text = page_text(client.get(f"/personnes/{person.pk}/"))
    assert 'id="dispositifs"' not in text
    assert "Dispositifs mobilisables" not in text


def test_queries_do_not_grow_with_the_record(referent_client, person):
    url = f"/personnes/{person.pk}/sections/dispositifs/"
    referent_client.get(url)
    few = count_queries(lambda: referent_client.get(url))
    for _ in range(3):
        diagnostic = DiagnosticFactory(person=person)
        DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", barriers=["FT24"])
        DomainAssessmentFactory(diagnostic=diagnostic, domain="mobility", barriers=["FT6"])
        LifeEventFactory(person=person, kind="care_leaver")
    # The person page's other sections may add a constant number of queries for their first
    # rows; compare two large records to be sure nothing grows per row.
    many = count_queries(lambda: referent_client.get(url))
    for _ in range(3):
        diagnostic = DiagnosticFactory(person=person)
        DomainAssessmentFactory(diagnostic=diagnostic, domain="justice", barriers=["R30"])
        LifeEventFactory(person=person, kind="justice")
    assert count_queries(lambda: referent_client.get(url)) == many
    assert many - few <= 6
