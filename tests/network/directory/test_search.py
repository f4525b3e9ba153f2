"""Service search: thématiques (category vs sub-thématique), distance and zones, sorting,
reasons, free text, public and mode filters, what is excluded, constant queries."""

from __future__ import annotations

import pytest

from relais.core.errors import DomainError
from relais.network.directory.search import ServiceQuery, filtered_services, search_services
from tests.factories import IndexedServiceFactory, OrganisationFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

LYON = "69123"  # centre 45.76404, 4.83566
VILLEURBANNE = (45.7665, 4.8795)  # ≈ 3.4 km
VENISSIEUX = (45.70377, 4.88138)  # ≈ 7.6 km
VILLEFRANCHE = (45.98746, 4.73174)  # ≈ 26 km
KM_PER_DEGREE = 111.195
EMPLOI = "trouver-un-emploi"


def service(name, at=None, **kwargs):
    latitude, longitude = at if at else (None, None)
    kwargs.setdefault("thematiques", [EMPLOI])
    return IndexedServiceFactory(name=name, latitude=latitude, longitude=longitude, **kwargs)


def names(results):
    return [hit.service.name for hit in results.hits]


def search(**kwargs):
    return search_services(ServiceQuery(**kwargs))


def test_a_category_matches_its_sub_thematiques_but_not_the_reverse():
    permis = service(
        "Auto-école sociale", VILLEURBANNE, thematiques=["mobilite--preparer-un-permis"]
    )
    garage = service(
        "Garage solidaire", VILLEURBANNE, thematiques=["mobilite--acceder-a-un-vehicule"]
    )
    service("Conseil emploi", VILLEURBANNE)

    assert set(names(search(thematiques=("mobilite",)))) == {permis.name, garage.name}
    assert names(search(thematiques=("mobilite--preparer-un-permis",))) == [permis.name]
    both = search(thematiques=("mobilite--preparer-un-permis", "mobilite--acceder-a-un-vehicule"))
    assert set(names(both)) == {permis.name, garage.name}
    hit = search(thematiques=("mobilite",)).hits[0]
    assert any(r.startswith("thématique « Mobilité : ") for r in hit.reasons)


def test_results_sorted_by_distance_then_zone_with_reasons():
    far = service("Villefranche emploi", VILLEFRANCHE)
    near = service("Villeurbanne emploi", VILLEURBANNE)
    middle = service("Vénissieux emploi", VENISSIEUX)
    centred = service("Sans adresse à Villeurbanne", commune_code="69266")
    departement = service("Plateforme du Rhône", commune_code="", zone_eligibilite=["69"])
    national = service(
        "Ligne nationale",
        commune_code="",
        zone_eligibilite=["france"],
        modes_accueil=["a-distance"],
    )
    commune = service("Permanence lyonnaise", commune_code="", zone_eligibilite=["69123"])
    service("Plateforme des Bouches-du-Rhône", commune_code="", zone_eligibilite=["13"])
    service("Sans zone", commune_code="", zone_eligibilite=[])

    results = search(thematiques=(EMPLOI,), commune_code=LYON, radius_km=20)
    assert names(results) == [
        near.name,
        centred.name,
        middle.name,
        commune.name,
        departement.name,
        national.name,
    ]
    assert far.name not in names(results)
    assert results.total == 6
    by_name = {hit.service.name: hit for hit in results.hits}
    assert by_name[near.name].distance_km == pytest.approx(3.4, abs=0.2)
    assert "à 3,4 km de Lyon" in by_name[near.name].reasons
    assert by_name[near.name].reasons[0] == "thématique « Trouver un emploi »"
    assert any("(centre de sa commune)" in r for r in by_name[centred.name].reasons)
    assert "intervient sur la commune de Lyon" in by_name[commune.name].reasons
    assert "intervient dans tout le département (69)" in by_name[departement.name].reasons
    assert by_name[national.name].reasons[1:] == [
        "intervient dans toute la France",
        "accueil à distance",
    ]

    wider = search(thematiques=(EMPLOI,), commune_code=LYON, radius_km=30)
    assert names(wider)[3] == far.name


@pytest.mark.parametrize(("km", "found"), [(19.9, True), (20.1, False)])
def test_radius_boundary(km, found):
    # Due north of Lyon's centre.
    service("Au nord", (45.76404 + km / KM_PER_DEGREE, 4.83566))
    assert bool(search(commune_code=LYON, radius_km=20).hits) is found


def test_radius_boundary_east_west():
    import math

    lat = 45.76404
    per_degree_lon = KM_PER_DEGREE * math.cos(math.radians(lat))
    service("À l'est", (lat, 4.83566 + 19.95 / per_degree_lon))
    service("À l'ouest, trop loin", (lat, 4.83566 - 20.1 / per_degree_lon))
    assert names(search(commune_code=LYON, radius_km=20)) == ["À l'est"]


def test_free_text_is_accent_and_case_insensitive():
    numeric = service(
        "Atelier NUMÉRIQUE", VILLEURBANNE, description="Prise en main d'un ordinateur."
    )
    education = service(
        "Soutien", VILLEURBANNE, description="Accompagnement à l'Éducation des enfants, cœur."
    )
    service("Autre", VILLEURBANNE, description="Rien à voir.")

    assert names(search(text="numerique")) == [numeric.name]
    assert names(search(text="Numérique atelier")) == [numeric.name]
    assert names(search(text="EDUCATION")) == [education.name]
    assert names(search(text="coeur")) == [education.name]
    assert names(search(text="numérique éducation")) == []
    hit = search(text="atelier ordinateur").hits[0]
    assert "« atelier » dans le nom" in hit.reasons
    assert "texte recherché dans la description" in hit.reasons


def test_public_and_mode_filters():
    young = service("Pour les jeunes", VILLEURBANNE, publics=["jeunes"])
    everyone = service("Pour tous", VILLEURBANNE, publics=["tous-publics"])
    service("Pour les seniors", VILLEURBANNE, publics=["seniors"])
    remote = service(
        "Par téléphone", VILLEURBANNE, publics=["jeunes"], modes_accueil=["a-distance"]
    )

    assert set(names(search(public="jeunes"))) == {young.name, everyone.name, remote.name}
    hits = {h.service.name: h for h in search(public="jeunes").hits}
    assert "public « Jeunes »" in hits[young.name].reasons
    assert "ouvert à tous les publics" in hits[everyone.name].reasons
    assert names(search(mode_accueil="a-distance")) == [remote.name]
    assert remote.name not in names(search(mode_accueil="en-presentiel"))


def test_unpublished_services_and_inactive_organisations_are_excluded():
    service("Publié", VILLEURBANNE)
    service("Brouillon", VILLEURBANNE, is_published=False)
    service("Structure fermée", VILLEURBANNE, organisation=OrganisationFactory(is_active=False))
    assert names(search(thematiques=(EMPLOI,))) == ["Publié"]
    assert names(search(commune_code=LYON)) == ["Publié"]


def test_without_commune_sorted_by_name_and_paginated():
    for i in range(25):
        service(f"Service {i:02d}", VILLEURBANNE)
    first = search_services(ServiceQuery(thematiques=(EMPLOI,)), page=1, per_page=10)
    assert first.total == 25 and first.num_pages == 3
    assert names(first)[0] == "Service 00"
    last = search_services(ServiceQuery(thematiques=(EMPLOI,)), page=3, per_page=10)
    assert names(last) == [f"Service {i}" for i in range(20, 25)]
    assert last.has_previous and not last.has_next
    # Out-of-range pages give the last page.
    assert (
        search_services(ServiceQuery(thematiques=(EMPLOI,)), page=99, per_page=10).page_number == 3
    )


def test_pagination_with_distance():
    for i in range(12):
        service(f"Proche {i:02d}", (45.76404 + i / 200, 4.83566))
    second = search_services(ServiceQuery(commune_code=LYON), page=2, per_page=5)
    assert names(second) == [f"Proche {i:02d}" for i in range(5, 10)]
    assert second.total == 12


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (ServiceQuery(thematiques=("pas-une-thematique",)), "thematiques"),
        (ServiceQuery(commune_code="99999"), "commune"),
        (ServiceQuery(commune_code=LYON, radius_km=0), "radius_km"),
        (ServiceQuery(commune_code=LYON, radius_km=201), "radius_km"),
        (ServiceQuery(public="martiens"), "public"),
        (ServiceQuery(mode_accueil="par-pigeon"), "mode_accueil"),
    ],
)
def test_bad_queries_are_refused_with_the_field(query, field):
    with pytest.raises(DomainError) as error:
        search_services(query)
    assert error.value.field == field


def test_query_count_is_constant():
    def run():
        search_services(
            ServiceQuery(thematiques=(EMPLOI,), commune_code=LYON, radius_km=50, text="emploi")
        )

    service("Un", VILLEURBANNE)
    service("Zone", commune_code="", zone_eligibilite=["69"])
    few = count_queries(run)
    for i in range(20):
        service(f"Encore {i}", VENISSIEUX)
        service(f"Sans coordonnées {i}", commune_code="69266")
    assert count_queries(run) == few == 4  # box, communes, zones, the page
    assert count_queries(lambda: search_services(ServiceQuery(thematiques=(EMPLOI,)))) == 2


def test_zone_match_is_exact_on_codes():
    # "69" must not match a zone "969xx" nor a commune "69266" text; "france" any case.
    service("Autre département", commune_code="", zone_eligibilite=["01"])
    service("Commune voisine en zone", commune_code="", zone_eligibilite=["69266"])
    service("France", commune_code="", zone_eligibilite=["France"])
    assert names(search(commune_code=LYON)) == ["France"]


def test_zone_counts_only_for_services_without_coordinates():
    # Placed 26 km away: its distance decides, not its zone covering the whole Rhône.
    service("Villefranche, zone Rhône", VILLEFRANCHE, zone_eligibilite=["69"])
    # No coordinates, a commune far away, but a zone that covers Lyon: found on its zone.
    far = service("Marseille, zone Rhône", commune_code="13201", zone_eligibilite=["69"])
    # Unpublished or of an inactive organisation: never found, whatever its zone.
    service("Brouillon", commune_code="", zone_eligibilite=["69"], is_published=False)
    results = search(commune_code=LYON, radius_km=20)
    assert names(results) == [far.name]
    assert results.hits[0].zone == "departement"


def test_the_same_service_is_listed_once_when_its_commune_and_zone_both_match():
    both = service("Permanence", commune_code="69266", zone_eligibilite=["69123", "69"])
    results = search(commune_code=LYON, radius_km=20)
    assert names(results) == [both.name]
    assert results.hits[0].from_commune_centre


def test_filtered_services_is_a_queryset_for_the_api():
    service("Un", VILLEURBANNE)
    assert filtered_services(ServiceQuery(thematiques=(EMPLOI,))).count() == 1
