"""GET /api/v1/services: public (no token), data·inclusion items with distance and reasons,
French errors on bad input, unpublished services never shown."""

from __future__ import annotations

import pytest

from tests.factories import IndexedServiceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/services"
VILLEURBANNE = {"latitude": 45.7665, "longitude": 4.8795, "commune_code": "69266"}


def test_public_search_without_a_token(client):
    near = IndexedServiceFactory(
        name="Auto-école sociale", thematiques=["mobilite--preparer-un-permis"], **VILLEURBANNE
    )
    IndexedServiceFactory(
        name="Brouillon",
        thematiques=["mobilite--preparer-un-permis"],
        is_published=False,
        **VILLEURBANNE,
    )
    IndexedServiceFactory(name="Autre thème", **VILLEURBANNE)
    response = client.get(URL, {"thematique": "mobilite", "commune": "69123", "rayon": 20})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["page"] == 1 and body["pages"] == 1
    item = body["items"][0]
    assert item["id"] == f"relais--{near.pk}"
    assert item["source"] == "relais"
    assert item["nom"] == "Auto-école sociale"
    assert item["structure_nom"] == near.organisation.name
    assert item["thematiques"] == ["mobilite--preparer-un-permis"]
    assert item["distance_km"] == pytest.approx(3.4, abs=0.2)
    assert "à 3,4 km de Lyon" in item["raisons"]


def test_repeated_thematiques_text_and_paging(client):
    for i in range(3):
        IndexedServiceFactory(name=f"Numérique {i}", thematiques=["numerique"], **VILLEURBANNE)
    IndexedServiceFactory(name="Santé", thematiques=["sante"], **VILLEURBANNE)
    body = client.get(URL, {"thematique": ["numerique", "sante"], "taille": 2, "page": 2}).json()
    assert body["total"] == 4 and body["pages"] == 2 and len(body["items"]) == 2
    assert client.get(URL, {"q": "NUMERIQUE"}).json()["total"] == 3


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"commune": "99999"}, 400, "commune"),
        ({"thematique": "voler"}, 400, "thematique"),
        ({"accueil": "pigeon"}, 400, "accueil"),
        ({"rayon": 500, "commune": "69123"}, 422, None),
        ({"taille": 1000}, 422, None),
    ],
)
def test_bad_input(client, params, status, field):
    response = client.get(URL, params)
    assert response.status_code == status
    body = response.json()
    assert body["detail"]
    if field:
        assert body["field"] == field


def test_documented_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/services"]["get"]
    assert "security" not in operation or operation["security"] in ([], [{}])
    assert {p["name"] for p in operation["parameters"]} >= {
        "thematique",
        "commune",
        "rayon",
        "public",
        "q",
    }
