"""The data·inclusion pages of the directory: the public JSON of a structure and of its
services, the import form and its report, and the exports."""

from __future__ import annotations

import json

import pytest
from data_inclusion.schema import v1
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from relais.network.directory.datainclusion.reading import MAX_UPLOAD_BYTES
from relais.network.directory.models import Service
from tests.factories import OrganisationFactory
from tests.helpers import login_verified, page_text
from tests.web.directory.support import PERMIS, valid_service

pytestmark = pytest.mark.django_db


# --- Public data·inclusion JSON ------------------------------------------------------------


def test_services_json_is_public_and_valid(other_organisation):
    valid_service(
        other_organisation,
        name="Permis",
        publics=["jeunes"],
        zone_eligibilite=["69"],
        frais=["gratuit"],
        modes_mobilisation=["telephoner"],
        mobilisable_par=["professionnels"],
    )
    valid_service(other_organisation, name="Ancien", thematiques=["trouver-un-emploi", PERMIS])
    valid_service(other_organisation, name="Caché", is_published=False)
    response = Client().get(f"/annuaire/structures/{other_organisation.pk}/services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    items = response.json()
    assert [item["nom"] for item in items] == ["Ancien", "Permis"]
    for item in items:
        v1.Service.model_validate(item)
        assert item["structure_id"] == f"relais--{other_organisation.pk}"
    assert items[0]["thematiques"] == [PERMIS]  # a category is not a v1 thématique


def test_structure_json_is_public_and_valid(other_organisation):
    response = Client().get(f"/annuaire/structures/{other_organisation.pk}/structure.json")
    assert response["Content-Type"] == "application/json"
    structure = v1.Structure.model_validate(response.json())
    assert structure.nom == other_organisation.name
    assert structure.code_insee == "69123"


def test_public_json_of_an_inactive_organisation_is_404():
    closed = OrganisationFactory(is_active=False)
    assert Client().get(f"/annuaire/structures/{closed.pk}/services.json").status_code == 404


# --- Import and export ---------------------------------------------------------------------


CSV_HEADER = "source,structure_id,id,nom,description,date_maj,thematiques,publics\n"


def upload(name, content: str | bytes, content_type="text/csv"):
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_import_with_errors_shows_them_by_line_and_imports_nothing(manager_client, organisation):
    content = CSV_HEADER + (
        f"csv,relais--{organisation.pk},csv--1,Atelier CV,Un atelier CV.,2025-01-10,,jeunes\n"
        f"csv,relais--{organisation.pk},csv--2,Atelier,Un atelier.,2025-01-10,,martiens\n"
    )
    response = manager_client.post(
        "/annuaire/import/", {"services_file": upload("services.csv", content)}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Rien n'a été importé : 1 erreur à corriger" in text
    row = response.context["errors_shown"][0]
    assert (row.line, row.field) == (3, "publics")
    assert "Valeur inconnue « martiens »" in text
    assert not Service.objects.exists()


def test_import_success(manager_client, organisation):
    content = (
        CSV_HEADER
        + f"csv,relais--{organisation.pk},csv--1,Atelier CV,Un atelier CV.,2025-01-10,{PERMIS},jeunes\n"
    )
    response = manager_client.post(
        "/annuaire/import/", {"services_file": upload("services.csv", content)}, follow=True
    )
    assert "Import réussi : 0 structure" in page_text(response)
    assert Service.objects.get().organisation == organisation


def test_import_form_errors(manager_client):
    response = manager_client.post("/annuaire/import/", {})
    assert "Choisissez un fichier JSON" in page_text(response)
    big = upload("services.csv", b"x" * (MAX_UPLOAD_BYTES + 10))
    response = manager_client.post("/annuaire/import/", {"services_file": big})
    assert "la limite est de 5 Mo" in page_text(response)
    response = manager_client.post("/annuaire/import/", {"json_file": upload("a.csv", "[]")})
    assert "Format attendu : .json" in page_text(response)


def test_exports(manager_client, referent, organisation):
    valid_service(organisation, name="Atelier")
    response = manager_client.get("/annuaire/export/structure/datainclusion.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    payload = json.loads(response.content)
    assert [s["nom"] for s in payload["services"]] == ["Atelier"]
    v1.Structure.model_validate(payload["structures"][0])
    response = manager_client.get("/annuaire/export/structure/services.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().startswith("source,structure_id,id,nom")
    referent_client = Client()
    login_verified(referent_client, referent)
    assert referent_client.get("/annuaire/export/structure/services.csv").status_code == 403
    assert referent_client.get("/annuaire/export/annuaire/structures.csv").status_code == 200
    assert referent_client.get("/annuaire/export/annuaire/autre.csv").status_code == 404
