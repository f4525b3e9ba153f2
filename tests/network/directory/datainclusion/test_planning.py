"""Resolving rows to records: duplicates within the files, the structure a service belongs
to, identities (relais ids, the reserved source, a known SIRET), and what the importer may
edit."""

from __future__ import annotations

import pytest

from relais.accounts.models import Organisation
from relais.network.directory.models import Service
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory
from tests.network.directory.datainclusion.support import (
    GOOD_SERVICE,
    GOOD_STRUCTURE,
    SIRET_A,
    SIRET_B,
    TODAY,
    as_files,
    errors_of,
    nothing_written,
    run_import,
    services_csv,
    structures_csv,
)

pytestmark = pytest.mark.django_db


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
