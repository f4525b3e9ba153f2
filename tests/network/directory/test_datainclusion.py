"""data·inclusion import: encodings, separators, every kind of bad row reported with its
line and field, all or nothing, idempotency on (source, id), permissions; vocabularies
and the checks shared with the forms."""

from __future__ import annotations

import json

import pytest
from data_inclusion.schema import v1
from django.core.management import call_command
from django.core.management.base import CommandError

from relais.accounts.models import Organisation
from relais.network.directory import datainclusion
from relais.network.directory.datainclusion import ImportFile
from relais.network.directory.models import Service, ServiceThematique
from relais.network.directory.services import catalogue_import
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory, valid_siret

TODAY = "2025-03-01"
SIRET_A = valid_siret(5_000_001)
SIRET_B = valid_siret(5_000_002)

STRUCTURE_HEADER = (
    "source,id,nom,date_maj,siret,code_insee,adresse,telephone,courriel,reseaux_porteurs"
)
SERVICE_HEADER = (
    "source,structure_id,id,nom,description,date_maj,type,thematiques,publics,modes_accueil,"
    "zone_eligibilite,code_insee,latitude,longitude,frais,contact_nom_prenom"
)


def structures_csv(*rows: str, header: str = STRUCTURE_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def services_csv(*rows: str, header: str = SERVICE_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD_STRUCTURE = (
    f"dora,dora--s1,Épicerie solidaire des Pentes,{TODAY},{SIRET_A},69123,"
    "3 rue Diderot,04 72 00 00 01,contact@epicerie.example,banques-alimentaires"
)
GOOD_SERVICE = (
    f"dora,dora--s1,dora--sv1,Aide alimentaire,Colis et épicerie à petits prix.,{TODAY},"
    'aide-materielle,"equipement-et-alimentation--alimentation|famille--soutien-a-la-parentalite-et-a-leducation",'
    "familles|jeunes,en-presentiel,69,69123,,,gratuit,Jeanne Martin"
)


def as_files(structures: str | bytes | None = None, services: str | bytes | None = None):
    files = []
    if structures is not None:
        content = structures.encode() if isinstance(structures, str) else structures
        files.append(ImportFile("structures.csv", content, "structures"))
    if services is not None:
        content = services.encode() if isinstance(services, str) else services
        files.append(ImportFile("services.csv", content, "services"))
    return files


def run_import(files, *, membership=None):
    return catalogue_import(
        files,
        actor=membership.user if membership else None,
        membership=membership,
        as_admin=membership is None,
    )


def errors_of(report) -> list[tuple[int | None, str]]:
    return [(p.line, p.field) for p in report.errors]


def nothing_written(before_orgs: int, before_services: int) -> bool:
    return (
        Organisation.objects.count() == before_orgs
        and Service.objects.count() == before_services
        and not ServiceThematique.objects.exists()
    )


pytestmark = pytest.mark.django_db


# --- Vocabularies and checks ---------------------------------------------------------------


def test_vocabularies_come_from_the_schema_with_french_labels():
    assert ("gratuit", "Gratuit") in datainclusion.choices("frais")
    assert datainclusion.label("publics", "jeunes") == "Jeunes"
    assert datainclusion.label("reseaux_porteurs", "mission-locale")
    groups = datainclusion.thematique_groups()
    assert sum(len(items) for _, _, items in groups) == len(v1.Thematique)
    assert {code for code, _, _ in groups} == {c.value for c in v1.Categorie}
    assert datainclusion.category_of("mobilite--preparer-un-permis") == "mobilite"
    assert datainclusion.thematique_label("mobilite--preparer-un-permis").startswith("Mobilité : ")
    assert datainclusion.thematique_index_values(["mobilite--preparer-un-permis"]) == {
        "mobilite",
        "mobilite--preparer-un-permis",
    }


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("france", True),
        ("99100", True),
        ("69123", True),
        ("75056", True),
        ("2A004", True),
        ("69", True),
        ("2A", True),
        ("974", True),
        ("200093201", True),  # EPCI (SIREN with a valid key)
        ("200093202", False),  # wrong SIREN key
        ("20", False),
        ("00", False),
        ("99999", False),
        ("6912", False),
        ("lyon", False),
    ],
)
def test_zone_codes(code, ok):
    assert (datainclusion.zone_code_error(code) is None) is ok


@pytest.mark.parametrize(
    ("lat", "lon", "ok"),
    [
        (45.76, 4.83, True),  # Lyon
        (41.92, 8.74, True),  # Ajaccio
        (16.24, -61.53, True),  # Guadeloupe
        (14.6, -61.07, True),  # Martinique
        (4.93, -52.33, True),  # Cayenne
        (-20.88, 55.45, True),  # Saint-Denis de La Réunion
        (-12.78, 45.23, True),  # Mamoudzou
        (-17.53, -149.57, True),  # Papeete
        (-22.27, 166.44, True),  # Nouméa
        (40.42, -3.70, False),  # Madrid
        (51.51, -0.13, False),  # London
        (0.0, 0.0, False),
        (4.83, 45.76, False),  # swapped
        (None, None, True),
        (45.76, None, False),
    ],
)
def test_coordinates_in_france(lat, lon, ok):
    assert (datainclusion.coordinates_error(lat, lon) is None) is ok


def test_swapped_coordinates_are_hinted():
    assert "inversées" in datainclusion.coordinates_error(4.83, 45.76)


# --- A good import -------------------------------------------------------------------------


def test_csv_import_creates_external_structures_and_services():
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(GOOD_SERVICE)))
    assert report.ok, report.errors
    assert (report.structures.created, report.services.created) == (1, 1)
    organisation = Organisation.objects.get(source="dora", source_id="dora--s1")
    assert organisation.is_external
    assert organisation.name == "Épicerie solidaire des Pentes"
    assert organisation.phone == "04 72 00 00 01"
    assert organisation.networks == ["banques-alimentaires"]
    assert organisation.postal_code == "69001"  # from the commune
    assert organisation.latitude is not None
    service = Service.objects.get(source="dora", source_id="dora--sv1")
    assert service.organisation == organisation
    assert service.thematiques == [
        "equipement-et-alimentation--alimentation",
        "famille--soutien-a-la-parentalite-et-a-leducation",
    ]
    assert service.publics == ["familles", "jeunes"]
    assert service.frais == ["gratuit"]
    assert service.zone_eligibilite == ["69"]
    assert service.confirmed_on.isoformat() == TODAY
    assert (service.latitude, service.longitude) == (45.76404, 4.83566)  # centre of Lyon
    assert service.is_published
    assert set(service.thematique_rows.values_list("thematique", flat=True)) == {
        "equipement-et-alimentation",
        "equipement-et-alimentation--alimentation",
        "famille",
        "famille--soutien-a-la-parentalite-et-a-leducation",
    }
    assert not service.zone_rows.exists()  # located (centre of its commune): not by zone


def test_a_persons_name_is_never_imported_nor_exported():
    run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(GOOD_SERVICE)))
    service = Service.objects.select_related("organisation").get()
    assert "Jeanne" not in json.dumps([str(getattr(service, f.name)) for f in Service._meta.fields])
    assert datainclusion.service_to_v1(service)["contact_nom_prenom"] is None


def test_reimporting_the_same_file_changes_nothing_and_creates_no_duplicate():
    files = as_files(structures_csv(GOOD_STRUCTURE), services_csv(GOOD_SERVICE))
    run_import(files)
    report = run_import(files)
    assert report.ok
    assert (report.structures.unchanged, report.services.unchanged) == (1, 1)
    assert (report.structures.created, report.services.created) == (0, 0)
    assert Organisation.objects.filter(source="dora").count() == 1
    assert Service.objects.count() == 1


def test_reimporting_a_changed_row_updates_it():
    run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(GOOD_SERVICE)))
    service = Service.objects.get()
    changed = GOOD_SERVICE.replace("Aide alimentaire", "Aide alimentaire d'urgence").replace(
        "familles|jeunes", "tous-publics"
    )
    report = run_import(as_files(services=services_csv(changed)))
    assert report.ok, report.errors
    assert report.services.updated == 1
    service.refresh_from_db()
    assert service.name == "Aide alimentaire d'urgence"
    assert service.publics == ["tous-publics"]
    assert service.version == 2


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


# --- Encodings and separators --------------------------------------------------------------


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


# --- Bad rows: every error by line and field, nothing imported -----------------------------


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


def test_duplicate_ids_within_the_file():
    second = GOOD_SERVICE.replace("Aide alimentaire", "Autre aide")
    report = run_import(
        as_files(structures_csv(GOOD_STRUCTURE), services_csv(GOOD_SERVICE, second))
    )
    assert errors_of(report) == [(3, "id")]
    assert "déjà ligne 2" in report.errors[0].message
    assert nothing_written(0, 0)


def test_duplicate_structure_ids_and_sirets():
    twin = GOOD_STRUCTURE.replace("Épicerie", "Autre épicerie")
    other_id_same_siret = GOOD_STRUCTURE.replace("dora--s1", "dora--s9")
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE, twin, other_id_same_siret)))
    assert errors_of(report) == [(3, "id"), (4, "siret")]
    assert Organisation.objects.count() == 0


def test_coordinates_out_of_france():
    row = GOOD_SERVICE.replace("69123,,,gratuit", "69123,40.42,-3.70,gratuit")
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE), services_csv(row)))
    assert errors_of(report) == [(2, "latitude")]
    assert "hors de France" in report.errors[0].message
    assert nothing_written(0, 0)


def test_structure_id_must_name_a_known_structure():
    report = run_import(as_files(services=services_csv(GOOD_SERVICE)))
    assert errors_of(report) == [(2, "structure_id")]
    assert "dora--s1" in report.errors[0].message
    assert Service.objects.count() == 0


def test_service_can_refer_to_a_structure_already_imported():
    run_import(as_files(structures=structures_csv(GOOD_STRUCTURE)))
    report = run_import(as_files(services=services_csv(GOOD_SERVICE)))
    assert report.ok, report.errors
    assert Service.objects.get().organisation.source_id == "dora--s1"


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


def test_every_error_is_reported_and_nothing_is_imported():
    bad = GOOD_SERVICE.replace("dora--sv1", "dora--sv2").replace("familles|jeunes", "martiens")
    good_two = GOOD_SERVICE.replace("dora--sv1", "dora--sv3")
    report = run_import(
        as_files(structures_csv(GOOD_STRUCTURE), services_csv(GOOD_SERVICE, bad, good_two))
    )
    assert errors_of(report) == [(3, "publics")]
    assert report.structures.total == 0 and report.services.total == 0
    assert nothing_written(0, 0)


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
    content = b"x" * (datainclusion.MAX_UPLOAD_BYTES + 1)
    report = run_import(as_files(structures=content))
    assert "la limite est de 5 Mo" in report.errors[0].message


def test_empty_file():
    report = run_import(as_files(structures=""))
    assert report.errors[0].message == "Le fichier est vide."


# --- Permissions and identities ------------------------------------------------------------


def test_a_manager_imports_their_own_services_by_relais_id():
    organisation = OrganisationFactory()
    manager = MembershipFactory(organisation=organisation, role="manager")
    row = GOOD_SERVICE.replace("dora,dora--s1,", f"dora,relais--{organisation.pk},")
    report = run_import(as_files(services=services_csv(row)), membership=manager)
    assert report.ok, report.errors
    assert Service.objects.get().organisation == organisation


def test_a_manager_cannot_write_another_organisations_services():
    mine = OrganisationFactory()
    theirs = OrganisationFactory()
    existing = ServiceFactory(organisation=theirs, thematiques=[])
    manager = MembershipFactory(organisation=mine, role="manager")
    new_row = GOOD_SERVICE.replace("dora,dora--s1,", f"dora,relais--{theirs.pk},")
    update_row = GOOD_SERVICE.replace(
        "dora,dora--s1,dora--sv1,", f"relais,relais--{mine.pk},relais--{existing.pk},"
    )
    report = run_import(as_files(services=services_csv(new_row, update_row)), membership=manager)
    assert errors_of(report) == [(2, "structure_id"), (3, "id")]
    assert "seuls ses responsables" in report.errors[0].message
    assert Service.objects.count() == 1


def test_a_referent_cannot_update_their_organisation_entry_by_import():
    organisation = OrganisationFactory()
    referent = MembershipFactory(organisation=organisation, role="referent")
    row = f"relais,relais--{organisation.pk},{organisation.name},{TODAY},,69123,,,,"
    report = run_import(as_files(structures=structures_csv(row)), membership=referent)
    assert errors_of(report) == [(2, "id")]


def test_imported_partners_can_then_be_updated_by_the_same_organisation():
    organisation = OrganisationFactory()
    manager = MembershipFactory(organisation=organisation, role="manager")
    run_import(as_files(structures_csv(GOOD_STRUCTURE)), membership=manager)
    partner = Organisation.objects.get(source="dora")
    assert partner.created_by == manager.user
    colleague = MembershipFactory(organisation=organisation, role="manager")
    changed = GOOD_STRUCTURE.replace("3 rue Diderot", "5 rue Diderot")
    report = run_import(as_files(structures_csv(changed)), membership=colleague)
    assert report.ok and report.structures.updated == 1
    outsider = MembershipFactory(role="manager")
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE)), membership=outsider)
    assert errors_of(report) == [(2, "id")]


def test_source_relais_is_reserved_for_records_of_this_instance():
    row = GOOD_STRUCTURE.replace("dora,dora--s1", "relais,relais--99999")
    report = run_import(as_files(structures_csv(row)))
    assert errors_of(report) == [(2, "id")]
    assert "réservée" in report.errors[0].message


def test_a_structure_matching_an_existing_siret_updates_it():
    organisation = OrganisationFactory(siret=SIRET_A, name="Épicerie solidaire des Pentes")
    manager = MembershipFactory(organisation=organisation, role="manager")
    report = run_import(as_files(structures_csv(GOOD_STRUCTURE)), membership=manager)
    assert report.ok, report.errors
    assert report.structures.updated == 1
    organisation.refresh_from_db()
    assert (organisation.source, organisation.source_id) == ("dora", "dora--s1")
    assert organisation.address == "3 rue Diderot"
    assert not organisation.is_external
    assert Organisation.objects.count() == 1  # the manager's membership organisation


def test_on_platform_identity_is_kept_and_said():
    organisation = OrganisationFactory(siret=SIRET_B, name="CCAS de Lyon")
    row = f"relais,relais--{organisation.pk},Un autre nom,{TODAY},,69123,1 place Sathonay,,,"
    report = run_import(as_files(structures_csv(row)))
    assert report.ok, report.errors
    organisation.refresh_from_db()
    assert organisation.name == "CCAS de Lyon"
    assert organisation.address == "1 place Sathonay"
    assert any("CCAS de Lyon" in n for n in report.notices)


def test_new_structures_need_a_commune_and_get_a_kind_from_their_network():
    row = GOOD_STRUCTURE.replace(",69123,", ",,")
    report = run_import(as_files(structures_csv(row)))
    assert errors_of(report) == [(2, "code_insee")]
    ml = GOOD_STRUCTURE.replace("banques-alimentaires", "mission-locale|plie")
    report = run_import(as_files(structures_csv(ml)))
    assert report.ok
    assert Organisation.objects.get(source="dora").kind == "mission_locale"


# --- Management command --------------------------------------------------------------------


def test_import_command(tmp_path, capsys):
    structures = tmp_path / "structures.csv"
    services = tmp_path / "services.csv"
    structures.write_text(structures_csv(GOOD_STRUCTURE), encoding="utf-8")
    services.write_text(services_csv(GOOD_SERVICE), encoding="utf-8")
    call_command(
        "import_datainclusion",
        "--structures",
        str(structures),
        "--services",
        str(services),
        "--dry-run",
    )
    assert Service.objects.count() == 0
    call_command(
        "import_datainclusion", "--structures", str(structures), "--services", str(services)
    )
    assert "Import réussi" in capsys.readouterr().out
    assert Service.objects.count() == 1


def test_import_command_refuses_a_bad_file(tmp_path, capsys):
    services = tmp_path / "services.csv"
    services.write_text(services_csv(GOOD_SERVICE), encoding="utf-8")
    with pytest.raises(CommandError, match="Rien n'a été importé"):
        call_command("import_datainclusion", "--services", str(services))
    assert "ligne 2, champ « structure_id »" in capsys.readouterr().err
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_datainclusion", "--json", str(tmp_path / "absent.json"))


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
