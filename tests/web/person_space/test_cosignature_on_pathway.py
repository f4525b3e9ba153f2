"""The person's online co-signature shows where professionals follow the contract: the
pathway page's versions table and badge, the contract page, the person page's pathways
section, and the contract PDF. Read in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.pathways.contract import render_html
from relais.person_space.models import Channel, Cosignature
from relais.person_space.selectors import online_signature_for_print
from tests.factories import ContractFactory, GoalFactory, PathwayFactory, PersonFactory
from tests.factories.person_space import SpaceAccessFactory
from tests.helpers import count_queries, page_text, person_page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(organisation, referent):
    person = PersonFactory(organisation=organisation, referent=referent, email="p@example.org")
    pathway = PathwayFactory(person=person, organisation=organisation, referent=referent)
    GoalFactory(pathway=pathway)
    return pathway


def _cosign(contract, access) -> Cosignature:
    return Cosignature.objects.create(
        contract=contract, access=access, method=Channel.EMAIL, content_hash=contract.content_hash
    )


def _urls(pathway) -> tuple[str, str]:
    kwargs = {"pk": pathway.person_id, "pathway_id": pathway.pk}
    return reverse("pathways:detail", kwargs=kwargs), reverse("pathways:contract", kwargs=kwargs)


def test_unsigned_contract_reads_as_before(referent_client, pathway):
    ContractFactory(pathway=pathway, number=1)
    text = page_text(referent_client.get(_urls(pathway)[0]))
    assert "Non signée" in text and "Contrat à faire signer" in text
    assert "Signé en ligne" not in text


def test_online_signature_shows_on_the_pathway_pages(referent_client, pathway):
    access = SpaceAccessFactory(person=pathway.person, invited_by=pathway.referent)
    contract = ContractFactory(pathway=pathway, number=1)
    _cosign(contract, access)
    on = timezone.localdate().strftime("%d/%m/%Y")
    detail, contract_page = _urls(pathway)
    for url in (detail, contract_page):
        text = page_text(referent_client.get(url))
        assert f"Signé en ligne par la personne le {on}" in text, url
        assert "Non signée" not in text and "Contrat à faire signer" not in text, url
    section = person_page_text(referent_client, pathway.person, "parcours")
    assert f"Signé en ligne par la personne le {on} (v1)" in section


def test_a_newer_unsigned_version_is_still_to_sign(referent_client, pathway):
    access = SpaceAccessFactory(person=pathway.person, invited_by=pathway.referent)
    _cosign(ContractFactory(pathway=pathway, number=1), access)
    ContractFactory(pathway=pathway, number=2)
    text = page_text(referent_client.get(_urls(pathway)[0]))
    assert "Contrat à faire signer" in text  # the badge: v2 is not signed
    assert "Signé en ligne par la personne" in text  # the table: v1 is
    assert "Non signée" in text


def test_no_query_per_version(referent_client, pathway):
    access = SpaceAccessFactory(person=pathway.person, invited_by=pathway.referent)
    _cosign(ContractFactory(pathway=pathway, number=1), access)
    detail, contract_page = _urls(pathway)
    few = {url: count_queries(lambda url=url: referent_client.get(url)) for url in _urls(pathway)}
    for number in range(2, 7):
        _cosign(ContractFactory(pathway=pathway, number=number), access)
    for url in (detail, contract_page):
        assert count_queries(lambda url=url: referent_client.get(url)) == few[url], url


def test_the_pdf_says_it(pathway):
    access = SpaceAccessFactory(person=pathway.person, invited_by=pathway.referent)
    contract = ContractFactory(pathway=pathway, number=1)
    assert online_signature_for_print(contract.pk) is None
    assert "Signé en ligne" not in render_html(contract)
    signature = _cosign(contract, access)
    html = render_html(contract, online_signature=online_signature_for_print(contract.pk))
    assert "Signé en ligne par la personne le " in html
    assert signature.content_hash[:16] in html
