"""Checking each row: required fields, vocabularies (with a suggestion), SIRET, commune,
e-mail, phone, zone and coordinates, wrong JSON types — every problem by line and field,
nothing imported."""

from __future__ import annotations

import json

import pytest

from relais.accounts.models import Organisation
from relais.network.directory.datainclusion.reading import ImportFile
from tests.network.directory.datainclusion.support import (
    GOOD_SERVICE,
    GOOD_STRUCTURE,
    SIRET_A,
    TODAY,
    as_files,
    errors_of,
    nothing_written,
    run_import,
    services_csv,
    structures_csv,
)

pytestmark = pytest.mark.django_db


def test_missing_required_fields_are_reported_by_line_and_field():
    rows = [
        GOOD_STRUCTURE,
        f"dora,dora--s2,,{TODAY},,69123,,,,",  # no name
        "dora,dora--s3,Centre social,,,69123,,,,",  # no date
    ]
    report = run_import(as_files(structures=structures_csv(*rows)))
    assert errors_of(report) == [(3, "nom"), (4, "date_maj")]
    assert report.errors[0].message == "Champ obligatoire manquant."
    assert Organisation.objects.count() == 0


def test_unknown_vocabulary_values_are_reported_with_a_suggestion():
    row = GOOD_SERVICE.replace("familles|jeunes", "familles|jeune").replace(
        "aide-materielle", "aide-miraculeuse"
    )
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(row)))
    assert sorted(errors_of(report)) == [(2, "publics"), (2, "type")]
    publics = next(p for p in report.errors if p.field == "publics")
    assert "« jeune »" in publics.message and "« jeunes »" in publics.message
    assert nothing_written(0, 0)


def test_unknown_reseau_porteur_and_thematique():
    structure = GOOD_STRUCTURE.replace("banques-alimentaires", "banques-alimentaire")
    service = GOOD_SERVICE.replace(
        "famille--soutien-a-la-parentalite-et-a-leducation", "famille--garder-les-enfants-la-nuit"
    )
    report = run_import(as_files(structures_csv(structure), services_csv(service)))
    assert ("structures.csv", 2, "reseaux_porteurs") in [
        (p.file, p.line, p.field) for p in report.errors
    ]
    assert ("services.csv", 2, "thematiques") in [(p.file, p.line, p.field) for p in report.errors]
    assert nothing_written(0, 0)


def test_coordinates_out_of_france():
    row = GOOD_SERVICE.replace("69123,,,gratuit", "69123,40.42,-3.70,gratuit")
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(row)))
    assert errors_of(report) == [(2, "latitude")]
    assert "hors de France" in report.errors[0].message
    assert nothing_written(0, 0)


def test_invalid_siret_key_commune_email_phone_and_zone():
    row = (
        f"dora,dora--s1,Épicerie,{TODAY},{SIRET_A[:-1]}{(int(SIRET_A[-1]) + 1) % 10},99999,"
        "3 rue Diderot,12345,pas-un-courriel,"
    )
    service = GOOD_SERVICE.replace(",69,69123,", ",69 ;20,69123,")
    report = run_import(as_files(structures_csv(row), services_csv(service)))
    fields = {(p.file, p.field) for p in report.errors}
    assert {
        ("structures.csv", "siret"),
        ("structures.csv", "code_insee"),
        ("structures.csv", "courriel"),
        ("structures.csv", "telephone"),
    } <= fields
    assert Organisation.objects.count() == 0


def test_zone_eligibilite_codes_are_checked():
    service = GOOD_SERVICE.replace(",69,69123,", ',"69|20|200093201|lyon",69123,')
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(service)))
    zone_errors = [p for p in report.errors if p.field == "zone_eligibilite"]
    assert len(zone_errors) == 2
    assert {p.line for p in zone_errors} == {2}


def test_json_with_wrong_types_is_reported_without_crashing():
    items = [
        {"source": "x", "id": ["a"], "nom": 12, "date_maj": "hier"},
        {
            "source": 3,
            "structure_id": {"id": 1},
            "id": 7,
            "nom": "Atelier",
            "description": "Un atelier.",
            "date_maj": TODAY,
            "thematiques": "mobilite--preparer-un-permis",
            "publics": [1, None],
            "latitude": "nord",
            "frais": ["gratuit", "payant"],
        },
        "pas un objet",
    ]
    report = run_import([ImportFile("f.json", json.dumps(items, indent=1).encode(), "json")])
    assert not report.ok
    fields = {(p.line, p.field) for p in report.errors}
    assert {(2, "id"), (2, "nom"), (2, "date_maj")} <= fields
    assert {
        (10, "source"),
        (10, "structure_id"),
        (10, "id"),
        (10, "latitude"),
        (10, "frais"),
    } <= fields
    assert any(p.message.startswith("Chaque élément") for p in report.errors)
    assert Organisation.objects.count() == 0
