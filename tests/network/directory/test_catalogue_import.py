"""Importing data·inclusion files: a good import, all or nothing, idempotency on (source,
id), the export → import round trips, and the management command."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from relais.accounts.models import Organisation
from relais.network.directory.catalogue_import import catalogue_import
from relais.network.directory.datainclusion.export import (
    export_csv,
    export_json,
    service_to_v1,
    structure_to_v1,
)
from relais.network.directory.datainclusion.reading import ImportFile
from relais.network.directory.datainclusion.schema import SERVICE_FIELDS, STRUCTURE_FIELDS
from relais.network.directory.models import Service, ServiceThematique
from tests.network.directory.datainclusion.support import (
    GOOD_SERVICE,
    GOOD_STRUCTURE,
    TODAY,
    as_files,
    errors_of,
    nothing_written,
    run_import,
    services_csv,
    structures_csv,
)
from tests.network.directory.support import export_of, round_trip_data

pytestmark = pytest.mark.django_db


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


def test_every_error_is_reported_and_nothing_is_imported():
    bad = GOOD_SERVICE.replace("dora--sv1", "dora--sv2").replace("familles|jeunes", "martiens")
    good_two = GOOD_SERVICE.replace("dora--sv1", "dora--sv3")
    report = run_import(
        as_files(structures_csv(GOOD_STRUCTURE), services_csv(GOOD_SERVICE, bad, good_two))
    )
    assert errors_of(report) == [(3, "publics")]
    assert report.structures.total == 0 and report.services.total == 0
    assert nothing_written(0, 0)


# --- Export → import round trip ------------------------------------------------------------


def test_json_round_trip_is_identical():
    organisation, partner, manager = round_trip_data()
    before = export_json(*export_of([organisation, partner]))
    counts = (Service.objects.count(), ServiceThematique.objects.count())
    report = catalogue_import(
        [ImportFile("export.json", before.encode(), "json")],
        actor=manager.user,
        membership=manager,
    )
    assert report.ok, report.errors
    assert (report.structures.created, report.services.created) == (0, 0)
    after = export_json(*export_of([organisation, partner]))
    assert after == before
    assert (Service.objects.count(), ServiceThematique.objects.count()) == counts
    # The organisation had no postal code nor coordinates: the first import stored those of
    # its commune (as exported); from then on, nothing changes.
    report = catalogue_import(
        [ImportFile("export.json", after.encode(), "json")], actor=manager.user, membership=manager
    )
    assert (report.structures.unchanged, report.services.unchanged) == (2, 3)


def test_csv_round_trip_is_identical():
    organisation, partner, manager = round_trip_data()
    organisations, services = export_of([organisation, partner])
    structures_csv = export_csv((structure_to_v1(o) for o in organisations), STRUCTURE_FIELDS)
    services_csv = export_csv((service_to_v1(s) for s in services), SERVICE_FIELDS)
    report = catalogue_import(
        [
            ImportFile("structures.csv", structures_csv.encode(), "structures"),
            ImportFile("services.csv", services_csv.encode(), "services"),
        ],
        actor=manager.user,
        membership=manager,
    )
    assert report.ok, report.errors
    assert (report.structures.created, report.services.unchanged) == (0, 3)
    organisations, services = export_of([organisation, partner])
    assert (
        export_csv(
            (structure_to_v1(o) for o in organisations),
            STRUCTURE_FIELDS,
        )
        == structures_csv
    )
    assert export_csv((service_to_v1(s) for s in services), SERVICE_FIELDS) == services_csv


def test_round_trip_into_an_empty_directory_recreates_the_same_data():
    organisation, partner, _ = round_trip_data()
    organisations, services = export_of([organisation, partner])
    payload = json.loads(export_json(organisations, services))
    # Another instance: the same data under another source (relais is reserved).
    text = (
        json.dumps(payload)
        .replace('"relais--', '"autre-relais--')
        .replace('"source": "relais"', '"source": "autre-relais"')
    )
    Service.objects.all().delete()
    organisation.delete()
    partner.delete()
    report = catalogue_import(
        [ImportFile("export.json", text.encode(), "json")],
        actor=None,
        membership=None,
        as_admin=True,
    )
    assert report.ok, report.errors
    assert (report.structures.created, report.services.created) == (2, 3)
    structures = Organisation.objects.filter(source="autre-relais").order_by("pk")
    imported = Service.objects.select_related("organisation").order_by("pk")
    assert json.loads(export_json(structures, imported)) == json.loads(text)


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
