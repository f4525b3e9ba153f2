"""Reading files: encodings, separators, headers and columns, JSON lists or objects, line
numbers of CSV and JSON rows, size limit, empty files."""

from __future__ import annotations

import json

import pytest

from relais.accounts.models import Organisation
from relais.network.directory.datainclusion.reading import MAX_UPLOAD_BYTES, ImportFile
from relais.network.directory.models import Service
from tests.network.directory.datainclusion.support import (
    GOOD_SERVICE,
    GOOD_STRUCTURE,
    SERVICE_HEADER,
    STRUCTURE_HEADER,
    TODAY,
    as_files,
    errors_of,
    run_import,
    services_csv,
    structures_csv,
)

pytestmark = pytest.mark.django_db


def test_json_import_accepts_a_list_or_an_object():
    structure = {
        "source": "cd69",
        "id": "cd69--1",
        "nom": "Maison de la métropole",
        "date_maj": TODAY,
        "code_insee": "69266",
    }
    service = {
        "source": "cd69",
        "structure_id": "cd69--1",
        "id": "cd69--svc-1",
        "nom": "Accueil social",
        "description": "Premier accueil social inconditionnel.",
        "date_maj": TODAY,
        "thematiques": [
            "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"
        ],
        "modes_accueil": ["en-presentiel", "a-distance"],
    }
    as_list = json.dumps([structure, service]).encode()
    report = run_import([ImportFile("a.json", as_list, "json")])
    assert report.ok, report.errors
    assert (report.structures.created, report.services.created) == (1, 1)
    as_object = json.dumps({"structures": [structure], "services": [service]}).encode()
    report = run_import([ImportFile("b.json", as_object, "json")])
    assert report.ok
    assert (report.structures.unchanged, report.services.unchanged) == (1, 1)


def test_utf8_with_bom_is_read_and_said():
    content = b"\xef\xbb\xbf" + structures_csv(GOOD_STRUCTURE).encode()
    report = run_import(as_files(structures=content))
    assert report.ok, report.errors
    assert any("BOM" in n for n in report.notices)
    assert Organisation.objects.get(source="dora").name == "Épicerie solidaire des Pentes"


def test_windows_1252_is_read_and_said():
    content = structures_csv(GOOD_STRUCTURE).encode("cp1252")
    report = run_import(as_files(structures=content))
    assert report.ok, report.errors
    assert any("Windows-1252" in n for n in report.notices)
    assert Organisation.objects.get(source="dora").name == "Épicerie solidaire des Pentes"


def test_semicolon_separator_is_detected():
    header = STRUCTURE_HEADER.replace(",", ";")
    row = GOOD_STRUCTURE.replace(",", ";")
    report = run_import(as_files(structures=structures_csv(row, header=header)))
    assert report.ok, report.errors
    assert any("point-virgule" in n for n in report.notices)
    assert Organisation.objects.filter(source="dora").exists()


def test_semicolon_file_with_french_decimals_and_dates():
    header = "source;structure_id;id;nom;description;date_maj;latitude;longitude;modes_accueil"
    row = "dora;dora--s1;dora--sv9;Permanence;Permanence d'accès aux droits.;01/03/2025;45,75;4,85;en-presentiel|a-distance"
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(row, header=header)))
    assert report.ok, report.errors
    service = Service.objects.get(source_id="dora--sv9")
    assert (service.latitude, service.longitude) == (45.75, 4.85)
    assert service.confirmed_on.isoformat() == TODAY
    assert service.modes_accueil == ["en-presentiel", "a-distance"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("source,id\n".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04rest-of-a-zip", "classeur"),
        (b"source,id,nom,date_maj\n\x81\x8d\x8f\x90\x9d,,,\n", "Encodage non reconnu"),
    ],
)
def test_unreadable_encodings_are_refused(content, expected):
    report = run_import(as_files(structures=content))
    assert not report.ok
    assert expected in report.errors[0].message
    assert Organisation.objects.count() == 0


def test_unreadable_encoding_names_the_line():
    content = b"source,id,nom,date_maj\nx,y,z,2025-01-01\n\x81\x8d,,,\n"
    report = run_import(as_files(structures=content))
    assert errors_of(report) == [(3, "")]


def test_wrong_column_count_and_headers():
    report = run_import(as_files(structures=structures_csv(GOOD_STRUCTURE + ",extra")))
    assert errors_of(report) == [(2, "")]
    assert "11 colonnes au lieu de 10" in report.errors[0].message
    report = run_import(as_files(structures="foo,bar\n1,2\n"))
    assert "En-têtes non reconnus" in report.errors[0].message


def test_misspelt_column_is_an_error_other_columns_are_ignored():
    header = SERVICE_HEADER.replace("thematiques", "thematique") + ",score_qualite"
    report = run_import(
        as_files(structures_csv(GOOD_STRUCTURE), services_csv(GOOD_SERVICE + ",0.5", header=header))
    )
    assert errors_of(report) == [(1, "thematique")]
    assert "thematiques" in report.errors[0].message
    assert any("score_qualite" in n for n in report.notices)


def test_file_in_the_wrong_slot():
    files = [ImportFile("services.csv", services_csv(GOOD_SERVICE).encode(), "structures")]
    report = run_import(files)
    assert "déposez-le comme fichier des services" in report.errors[0].message


def test_multiline_cells_keep_the_right_line_numbers():
    multiline = GOOD_SERVICE.replace(
        "Colis et épicerie à petits prix.", '"Colis\net épicerie\nà petits prix."'
    )
    bad = GOOD_SERVICE.replace("dora--sv1", "dora--sv2").replace("familles|jeunes", "martiens")
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(multiline, bad)))
    assert errors_of(report) == [(5, "publics")]


def test_json_errors_carry_the_line_of_their_item():
    content = (
        '{\n  "structures": [],\n  "services": [\n    {\n      "source": "x",\n'
        '      "structure_id": "nowhere",\n      "id": "x--1",\n      "nom": "Atelier",\n'
        '      "description": "Un atelier.",\n      "date_maj": "2025-01-01"\n    },\n'
        '    {"source": "x", "structure_id": "nowhere", "id": "x--2", "nom": "A",'
        ' "description": "Un atelier.", "date_maj": "2025-13-01"}\n  ]\n}\n'
    )
    report = run_import([ImportFile("f.json", content.encode(), "json")])
    assert errors_of(report) == [
        (4, "structure_id"),
        (12, "nom"),
        (12, "date_maj"),
        (12, "structure_id"),
    ]
    assert "Trop court" in report.errors[1].message
    assert "Date invalide" in report.errors[2].message


def test_invalid_json_gives_its_line():
    report = run_import([ImportFile("f.json", b'[\n {"source": "x",\n "id": }\n]', "json")])
    assert errors_of(report) == [(3, "")]
    assert "JSON invalide" in report.errors[0].message


def test_too_big_files_are_refused():
    content = b"x" * (MAX_UPLOAD_BYTES + 1)
    report = run_import(as_files(structures=content))
    assert "la limite est de 5 Mo" in report.errors[0].message


def test_empty_file():
    report = run_import(as_files(structures=""))
    assert report.errors[0].message == "Le fichier est vide."


@pytest.mark.parametrize("opening", ["[", '{"services": ', '[{"nom": '])
def test_a_deeply_nested_json_file_is_refused_in_french(opening):
    content = (opening * 100_000).encode()
    report = run_import([ImportFile("f.json", content, "json")])
    assert [error.message[:21] for error in report.errors] == ["JSON trop imbriqué : "]
    assert not Service.objects.exists()


def test_formula_cells_are_refused_at_import_with_their_line():
    formula = GOOD_SERVICE.replace("Aide alimentaire", '"=HYPERLINK(""http://x"",""clic"")"')
    at_sign = GOOD_SERVICE.replace("Colis et épicerie", "@SUM(A1) épicerie").replace("sv1", "sv2")
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(formula, at_sign)))
    assert errors_of(report) == [(2, "nom"), (3, "description")]
    assert "formule de tableur" in report.errors[0].message
    assert not Service.objects.exists()


def test_text_that_only_starts_with_a_dash_or_plus_is_accepted():
    dash = GOOD_SERVICE.replace("Colis et épicerie", "- Colis + épicerie")
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(dash)))
    assert report.errors == []
    assert Service.objects.get().description.startswith("- Colis")
