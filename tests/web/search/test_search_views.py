"""The page « Trouver un service pour ce besoin »: criteria, results with reasons and links,
a person in context (permission-checked, journaled), a barrier of the latest diagnostic,
bad input, constant queries, the commune suggestions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relais.core.models import AccessLogEntry, JournalAction
from tests.factories import (
    DiagnosticFactory,
    DomainAssessmentFactory,
    IndexedServiceFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.helpers import count_queries, login_verified, page_text, person_page_text

pytestmark = pytest.mark.django_db

URL = "/recherche/services/"
HOUSING = "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"
VILLEURBANNE = {"latitude": 45.7665, "longitude": 4.8795, "commune_code": "69266"}


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(
        organisation=organisation, referent=referent, birth_name="Dupré", first_names="Hélène"
    )


def with_barrier(person, code="FT24", domain="housing"):
    diagnostic = DiagnosticFactory(person=person)
    DomainAssessmentFactory(diagnostic=diagnostic, domain=domain, barriers=[code])
    return diagnostic


def test_empty_page_shows_the_form(referent_client):
    response = referent_client.get(URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "Trouver un service pour ce besoin" in text
    assert "Préparer un permis" in text  # a sub-thématique among the choices
    assert 'data-testid="results"' not in text


def test_results_with_reasons_contact_and_link(referent_client):
    service = IndexedServiceFactory(
        name="Hébergement d'urgence",
        thematiques=[HOUSING],
        phone="04 72 00 00 00",
        **VILLEURBANNE,
    )
    IndexedServiceFactory(name="Trop loin", thematiques=[HOUSING], latitude=43.3, longitude=5.4)
    response = referent_client.get(
        URL, {"thematique": "logement-hebergement", "commune": "Lyon (69123)", "rayon": "20"}
    )
    text = page_text(response)
    assert "1 service trouvé à 20 km autour de Lyon" in text
    assert "Hébergement d'urgence" in text and "Trop loin" not in text
    assert "à 3,4 km de Lyon" in text
    assert "thématique « Logement et hébergement : " in text
    assert "04 72 00 00 00" in text
    assert reverse("directory:service", args=[service.pk]) in text
    assert "Orienter la personne" not in text  # no person in context


def test_input_is_escaped(referent_client):
    IndexedServiceFactory(name="<script>alert(1)</script>", **VILLEURBANNE)
    response = referent_client.get(URL, {"q": "alert", "envoye": "1"})
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rayon": "500", "commune": "69123"}, "nombre entier de 1 à 200"),
        ({"rayon": "dix", "commune": "69123"}, "nombre entier de 1 à 200"),
        ({"commune": "Nullepart-sur-Mer"}, "Commune inconnue"),
        ({"commune": "Saint-Denis"}, "Plusieurs communes"),
        ({"thematique": "voler"}, "Thématique inconnue"),
        ({"public": "martiens"}, "Public inconnu"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_kept(referent_client, params, message):
    response = referent_client.get(URL, {**params, "envoye": "1"})
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "Le formulaire contient des erreurs" in text
    for value in params.values():
        if value not in ("voler", "martiens"):
            assert f'value="{value}"' in text


def test_no_criterion_asks_for_one(referent_client):
    text = page_text(referent_client.get(URL, {"envoye": "1"}))
    assert "Choisissez au moins un critère" in text


def test_from_a_barrier_of_the_latest_diagnostic(referent_client, person):
    with_barrier(person)
    shelter = IndexedServiceFactory(name="Abri de nuit", thematiques=[HOUSING], **VILLEURBANNE)
    IndexedServiceFactory(
        name="Auto-école", thematiques=["mobilite--preparer-un-permis"], **VILLEURBANNE
    )
    before = AccessLogEntry.objects.filter(person_id=person.pk, action=JournalAction.VIEW).count()

    response = referent_client.get(URL, {"personne": person.pk, "frein": "FT24"})
    text = page_text(response)
    assert response.status_code == 200
    assert "DUPRÉ Hélène" in text
    assert "besoin : « Sans hébergement / rupture effective de logement »" in text
    assert "Abri de nuit" in text and "Auto-école" not in text
    assert f"/orientations/nouvelle/?service={shelter.pk}&personne={person.pk}" in text
    # The commune of the person is pre-filled, the barrier's thématique ticked.
    assert 'value="Lyon (69123)"' in text
    assert f'value="{HOUSING}" id="thematique-{HOUSING}" checked' in text
    entries = AccessLogEntry.objects.filter(person_id=person.pk, action=JournalAction.VIEW)
    assert entries.count() == before + 1
    assert "frein FT24" in entries.latest("created_at").summary


def test_pagination_keeps_the_person_and_the_criteria(referent_client, person):
    with_barrier(person)
    for i in range(25):
        IndexedServiceFactory(name=f"Abri {i:02d}", thematiques=[HOUSING], **VILLEURBANNE)
    response = referent_client.get(URL, {"personne": person.pk, "frein": "FT24"})
    text = page_text(response)
    assert "Page suivante" in text
    assert "personne=" in text.split("Page suivante")[0].rsplit("href=", 1)[1]
    second = referent_client.get(
        URL,
        {
            "envoye": "1",
            "personne": person.pk,
            "frein": "FT24",
            "thematique": HOUSING,
            "commune": "69123",
            "page": "2",
        },
    )
    assert "Abri 24" in page_text(second)


def test_a_barrier_not_in_the_diagnostic_is_not_used(referent_client, person):
    with_barrier(person, "FT6", "mobility")
    text = page_text(referent_client.get(URL, {"personne": person.pk, "frein": "FT24"}))
    assert "Ce frein ne figure pas dans le dernier diagnostic" in text
    assert 'data-testid="results"' not in text


def test_another_organisation_person_is_404_and_journaled(referent_client):
    stranger = PersonFactory(organisation=OrganisationFactory())
    response = referent_client.get(URL, {"personne": stranger.pk, "frein": "FT24"})
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        person_id=stranger.pk, action=JournalAction.DENIED
    ).exists()
    assert referent_client.get(URL, {"personne": "abc"}).status_code == 404


def test_staff_may_search_but_not_for_a_person(client, organisation, staff_member, person):
    login_verified(client, staff_member)
    assert client.get(URL, {"q": "emploi"}).status_code == 200
    assert client.get(URL, {"personne": person.pk}).status_code == 403
    assert AccessLogEntry.objects.filter(person_id=person.pk, action=JournalAction.DENIED).exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/connexion" in response["Location"] or "login" in response["Location"]


def test_query_count_is_constant(referent_client, person):
    with_barrier(person)

    def run():
        response = referent_client.get(URL, {"personne": person.pk, "frein": "FT24"})
        assert response.status_code == 200

    IndexedServiceFactory(thematiques=[HOUSING], **VILLEURBANNE)
    run()
    few = count_queries(run)
    for _ in range(15):
        IndexedServiceFactory(
            thematiques=[HOUSING], organisation=OrganisationFactory(), **VILLEURBANNE
        )
    assert count_queries(run) == few


def test_commune_suggestions(referent_client):
    response = referent_client.get("/recherche/communes/", {"commune": "villeurb"})
    assert response.status_code == 200
    assert '<option value="Villeurbanne (69266)">code postal 69100</option>' in page_text(response)
    assert referent_client.get("/recherche/communes/", {"commune": "v"}).content.strip() == b""


def test_nav_entries(referent_client):
    text = page_text(referent_client.get(URL))
    assert 'data-testid="nav-search"' in text and "Trouver un service" in text
    assert 'data-testid="nav-actor-map"' in text and "Cartographie" in text


def test_person_page_links_to_the_search_from_each_barrier(referent_client, person):
    with_barrier(person)
    text = person_page_text(referent_client, person, "dispositifs")
    assert "Dispositifs mobilisables" in text
    assert f"/recherche/services/?personne={person.pk}&frein=FT24" in text


def test_manager_of_another_membership_sees_own_person(client, organisation, person):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    login_verified(client, manager)
    assert client.get(URL, {"personne": person.pk}).status_code == 200
