"""Export: our records as valid data·inclusion v1 objects; a person's name is never
imported nor exported."""

from __future__ import annotations

import json

import pytest
from data_inclusion.schema import v1

from relais.network.directory.datainclusion.export import export_csv, export_json, service_to_v1
from relais.network.directory.models import Service
from tests.network.directory.datainclusion.support import (
    GOOD_SERVICE,
    GOOD_STRUCTURE,
    as_files,
    run_import,
    services_csv,
    structures_csv,
)
from tests.network.directory.support import export_of, round_trip_data

pytestmark = pytest.mark.django_db


def test_export_is_valid_data_inclusion():
    organisation, partner, _ = round_trip_data()
    organisations, services = export_of([organisation, partner])
    payload = json.loads(export_json(organisations, services))
    for item in payload["structures"]:
        v1.Structure.model_validate(item)
    for item in payload["services"]:
        v1.Service.model_validate(item)
    first = payload["services"][0]
    assert first["structure_id"] == f"relais--{organisation.pk}"
    assert first["source"] == "relais"
    assert first["telephone"] == "04 72 00 00 00"
    assert first["frais"] == "payant"
    assert first["commune"] == "Villeurbanne"


def test_a_persons_name_is_never_imported_nor_exported():
    run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(GOOD_SERVICE)))
    service = Service.objects.select_related("organisation").get()
    assert "Jeanne" not in json.dumps([str(getattr(service, f.name)) for f in Service._meta.fields])
    assert service_to_v1(service)["contact_nom_prenom"] is None


def test_csv_exports_neutralise_formula_cells():
    rows = [
        {"nom": '=HYPERLINK("http://x","clic")', "description": "+SUM(A1)", "telephone": "-1"},
        {"nom": "@cmd", "description": "- une liste", "telephone": "+33 6 12 34 56 78"},
    ]
    content = export_csv(rows, ["nom", "description", "telephone"])
    lines = content.splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://x"",""clic"")",\'+SUM(A1),-1'
    assert lines[2] == "'@cmd,'- une liste,'+33 6 12 34 56 78"
