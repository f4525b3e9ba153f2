"""The employment basin (table and SVG map of communes, job-family filter) and the full ROME
referential with the position form's appellation search."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from relais.core.errors import DomainError
from relais.core.text import fold
from relais.employment import references
from relais.employment.basin_map import BasinPoint, basin_map_svg
from relais.employment.models import Position
from tests.factories.employment import EmployerFactory, PositionFactory
from tests.helpers import count_queries, page_text

pytestmark = pytest.mark.django_db

VILLEURBANNE = ("69266", 45.7719, 4.8902)


def test_the_whole_rome_is_shipped_with_an_appellation_for_every_code():
    jobs = references.rome_jobs()
    assert len(jobs) >= 1500
    assert {code[0] for code in jobs} == set("ABCDEFGHIJKLMN")
    assert all(job.appellations for job in jobs.values())
    # The 532 official sheets carry their official label and every official appellation.
    assert jobs["K2204"].label == "Nettoyage de locaux"
    assert jobs["A1101"].label == "Conduite d'engins agricoles et forestiers"
    assert "Tractoriste agricole" in jobs["A1101"].appellations
    assert "Technicien / Technicienne de surface" in jobs["K2204"].appellations
    assert sum(len(job.appellations) for job in jobs.values()) > 11_061
    # The codes beyond the official sheets are kept, and so are the appellations shipped
    # before that the official list lacks.
    assert references.check_rome("M1805") == "M1805"
    assert references.check_rome("A1102") == "A1102"
    assert "Conducteur / Conductrice d'engins agricoles" in jobs["A1101"].appellations


def test_appellation_is_checked_accents_and_case_aside():
    assert references.check_appellation("N1101", "cariste") == "Cariste"
    assert references.check_appellation("K2204", "TECHNICIEN / TECHNICIENNE DE SURFACE") == (
        "Technicien / Technicienne de surface"
    )
    with pytest.raises(DomainError):
        references.check_appellation("K2204", "Cariste")


def test_appellation_search_ignores_accents_and_case():
    hits = references.search_appellations("CARISTE")
    assert hits and hits[0].code == "N1101" and "Cariste" in hits[0].appellation
    assert any(h.code == "K2204" for h in references.search_appellations("proprete hygiene"))
    assert references.search_appellations("k2204")[0].code == "K2204"
    assert references.search_appellations("x") == []
    assert references.search_appellations("zzzzqqq") == []
    # A part of a word is enough, and every word must be found in the same appellation.
    assert references.search_appellations("tractori agricol")[0].appellation == (
        "Tractoriste agricole"
    )
    assert all("debard" in fold(h.appellation) for h in references.search_appellations("débard"))


def test_appellation_search_ranks_names_starting_with_the_word_first():
    hits = references.search_appellations("technicien surface", limit=50)
    assert hits[0].appellation.startswith("Technicien")
    names = [h.appellation for h in hits if fold(h.appellation).startswith("technicien")]
    assert names == sorted(names, key=fold)
    assert len(references.search_appellations("agent", limit=7)) == 7


def test_appellation_options_follow_the_rome_code(manager_client):
    url = reverse("employment:rome_appellations")
    page = page_text(manager_client.get(url, {"rome_code": "k2204"}))
    assert '<option value="Technicien / Technicienne de surface">' in page
    assert "Cariste" not in page
    assert page_text(manager_client.get(url, {"rome_code": "<x>"})).strip() == ""


def test_rome_search_fragment(manager_client):
    url = reverse("employment:rome_search")
    page = page_text(manager_client.get(url, {"q": "cariste"}))
    assert 'data-rome="N1101"' in page and "Cariste" in page
    assert "Aucun métier" in page_text(manager_client.get(url, {"q": "zzzzqqq"}))
    assert manager_client.get(url, {"q": "a" * 500}).status_code == 200


def test_rome_search_needs_an_organisation(client):
    response = client.get(reverse("employment:rome_search"), {"q": "cariste"})
    assert response.status_code in (302, 403)


def test_position_form_offers_the_search_and_requires_the_appellation(manager_client, organisation):
    employer = EmployerFactory(organisation=organisation)
    url = reverse("employment:position_create", args=[employer.pk])
    form_page = page_text(manager_client.get(url))
    assert 'id="rome-search"' in form_page
    # The page does not carry the ~12,000 appellations, only those of the chosen code.
    assert "<option value=" not in form_page.split('id="appellations"')[1].split("</datalist>")[0]
    page = page_text(
        manager_client.post(
            url,
            {
                "rome_code": "N1101",
                "appellation": "",
                "contract_type": "cdi",
                "weekly_hours": "90",
                "schedule": "day",
                "commune_code": "69123",
                "languages": "arabe",
            },
        )
    )
    assert "appellation du poste" in page and "arabe" in page
    assert '<option value="Cariste">' in page  # the list of the code typed in is kept
    assert "heures" in page.lower()
    assert not Position.objects.exists()


def test_basin_map_and_table_of_communes(manager_client, organisation):
    lyon_employer = EmployerFactory(organisation=organisation)
    for _ in range(3):
        PositionFactory(employer=lyon_employer)
    code, lat, lon = VILLEURBANNE
    villeurbanne = EmployerFactory(
        organisation=organisation, commune_code=code, latitude=lat, longitude=lon
    )
    PositionFactory(
        employer=villeurbanne, rome_code="N1103", commune_code=code, latitude=lat, longitude=lon
    )
    page = page_text(manager_client.get(reverse("employment:basin")))
    assert 'data-testid="basin-map"' in page and "<circle" in page
    assert "Lyon : 3 poste(s) ouvert(s), 1 employeur(s)" in page
    assert "Services à la personne et à la collectivité" in page
    filtered = page_text(manager_client.get(reverse("employment:basin"), {"famille": "N"}))
    assert "Lyon (69123)" not in filtered.split('data-testid="basin-communes"')[1]
    assert "(famille N)" in filtered
    assert manager_client.get(reverse("employment:basin"), {"famille": "<x>"}).status_code == 200


def test_basin_query_count_does_not_grow_with_communes(manager_client, organisation):
    url = reverse("employment:basin")
    PositionFactory(employer__organisation=organisation)
    small = count_queries(lambda: manager_client.get(url))
    for code in ("69266", "69259", "69029", "69256"):
        PositionFactory(employer__organisation=organisation, commune_code=code)
    assert count_queries(lambda: manager_client.get(url)) == small


def test_basin_of_another_organisation_is_not_shown(manager_client, other_organisation):
    EmployerFactory(organisation=other_organisation, name="Ailleurs SA")
    PositionFactory(employer__organisation=other_organisation)
    page = page_text(manager_client.get(reverse("employment:basin")))
    assert "<circle" not in page and "Pas de commune" in page


def test_map_without_coordinates_is_empty():
    assert basin_map_svg([]) == ""
    one = BasinPoint(
        code="69123", name="LYON", latitude=45.76, longitude=4.83, positions=0, employers=2
    )
    svg = basin_map_svg([one])
    assert "<svg" in svg and "0 poste(s) ouvert(s), 2 employeur(s)" in svg


def test_position_form_takes_other_licences_and_mobility(manager_client, organisation):
    employer = EmployerFactory(organisation=organisation)
    url = reverse("employment:position_create", args=[employer.pk])
    response = manager_client.post(
        url,
        {
            "rome_code": "N1101",
            "appellation": "cariste",
            "contract_type": "cdi",
            "weekly_hours": "35",
            "schedule": "day",
            "commune_code": "69123",
            "other_licences": ["C", "CE"],
            "mobility_requirement": "vehicle",
        },
    )
    assert response.status_code == 302
    position = Position.objects.get()
    assert position.appellation == "Cariste"  # as the ROME spells it
    assert position.other_licences == ["C", "CE"]
    page = page_text(manager_client.get(reverse("employment:position_detail", args=[position.pk])))
    assert "C, CE" in page and "Véhicule personnel indispensable" in page
    edit = page_text(manager_client.get(reverse("employment:position_update", args=[position.pk])))
    assert re.search(r'value="CE"[^>]*checked', edit)
    assert "Mobilité exigée" in edit
