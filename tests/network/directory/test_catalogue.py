"""Directory writes: external partners, directory entries, services (rules, thématique
index, optimistic locking, confirmation, publication), staleness and the reminder
e-mails, and the export → import round trip."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from data_inclusion.schema import v1
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from relais.accounts.models import Organisation
from relais.core.errors import DomainError, StaleObjectError
from relais.network.directory import datainclusion
from relais.network.directory import services as services_catalogue
from relais.network.directory.datainclusion import ImportFile
from relais.network.directory.models import Service, ServiceThematique, ServiceZone
from relais.network.directory.services import (
    catalogue_import,
    external_organisation_create,
    organisation_directory_update,
    service_confirm,
    service_create,
    service_publish,
    service_unpublish,
    service_update,
    stale_services_nag,
)
from relais.notifications.models import Notification
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ServiceFactory,
    UserFactory,
    valid_siret,
)

pytestmark = pytest.mark.django_db

PERMIS = "mobilite--preparer-un-permis"
VEHICULE = "mobilite--acceder-a-un-vehicule"
CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"


def full_service(organisation, actor, **overrides):
    values = {
        "name": "Auto-école sociale",
        "description": "Préparation au permis B avec un accompagnement adapté.",
        "type": "formation",
        "thematiques": [PERMIS, VEHICULE],
        "frais": ["payant"],
        "frais_precisions": "Participation de 50 €.",
        "publics": ["demandeurs-emploi", "jeunes"],
        "publics_precisions": "Inscrits à France Travail.",
        "conditions_acces": "Avoir le code.",
        "phone": "+33 4 72 00 00 00",
        "email": "permis@exemple.fr",
        "modes_accueil": ["en-presentiel"],
        "zone_eligibilite": ["69", "200046977"],
        "modes_mobilisation": ["telephoner", "envoyer-un-courriel"],
        "mobilisable_par": ["professionnels"],
        "mobilisation_precisions": "Fiche de liaison.",
        "lien_mobilisation": "https://exemple.fr/inscription",
        "horaires_accueil": "Mo-Fr 09:00-12:00",
        "volume_horaire_hebdomadaire": 6.5,
        "nombre_semaines": 12,
        "address": "12 rue de la République",
        "postal_code": "",
        "commune_code": "69266",
        "latitude": None,
        "longitude": None,
    }
    values.update(overrides)
    return service_create(organisation=organisation, actor=actor, **values)


def rows_of(service):
    return set(
        ServiceThematique.objects.filter(service=service).values_list("thematique", flat=True)
    )


def zone_rows_of(service):
    return set(ServiceZone.objects.filter(service=service).values_list("code", flat=True))


# --- External partners and directory entries -----------------------------------------------


def test_external_partner_is_created_validated_and_located():
    user = UserFactory()
    partner = external_organisation_create(
        actor=user,
        name="Restos du cœur de Vaulx-en-Velin",
        kind="association",
        commune_code="69256",
        siret=valid_siret(7_000_001),
        phone="04.78.00.00.00",
        networks=["restos-du-coeur"],
    )
    assert partner.is_external and partner.created_by == user
    assert partner.phone == "04 78 00 00 00"
    assert partner.postal_code == "69120"
    assert partner.latitude is not None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "12345678901234", "clé de contrôle"),
        ("siret", "1234", "14 chiffres"),
        ("commune_code", "99999", "Aucune commune"),
        ("commune_code", "abc", "5 caractères"),
        ("phone", "12", "Numéro de téléphone non reconnu"),
        ("networks", ["pas-un-reseau"], "Réseau porteur inconnu"),
        ("name", "AB", "3 caractères"),
        ("kind", "martien", "type de structure"),
    ],
)
def test_external_partner_bad_input(field, value, message):
    values = {"name": "Secours populaire", "kind": "association", "commune_code": "69123"}
    values[field] = value
    with pytest.raises(DomainError, match=message) as error:
        external_organisation_create(actor=UserFactory(), **values)
    assert error.value.field == field


def test_external_partner_siret_must_be_free():
    existing = OrganisationFactory()
    with pytest.raises(DomainError, match=existing.name):
        external_organisation_create(
            actor=UserFactory(),
            name="Doublon",
            kind="other",
            commune_code="69123",
            siret=existing.siret,
        )


def test_on_platform_entry_keeps_its_identity():
    organisation = OrganisationFactory(name="CCAS de Lyon")
    organisation_directory_update(
        organisation=organisation,
        actor=UserFactory(),
        address="1 place Sathonay",
        phone="0472000000",
        latitude=None,
        longitude=None,
    )
    organisation.refresh_from_db()
    assert organisation.address == "1 place Sathonay"
    assert organisation.phone == "04 72 00 00 00"
    assert organisation.latitude == 45.76404  # centre of Lyon
    with pytest.raises(DomainError, match="administration de la plateforme"):
        organisation_directory_update(organisation=organisation, actor=UserFactory(), name="Autre")


def test_external_partner_may_move():
    partner = external_organisation_create(
        actor=UserFactory(), name="Boutique solidaire", kind="association", commune_code="69123"
    )
    organisation_directory_update(
        organisation=partner,
        actor=UserFactory(),
        name="Boutique solidaire de Bron",
        commune_code="69029",
        latitude=None,
        longitude=None,
        postal_code="",
    )
    partner.refresh_from_db()
    assert partner.name == "Boutique solidaire de Bron"
    assert partner.postal_code == "69500"
    assert round(partner.latitude, 1) == 45.7


# --- Services ------------------------------------------------------------------------------


def test_service_create_fills_location_confirms_and_indexes():
    organisation = OrganisationFactory()
    service = full_service(organisation, UserFactory())
    assert service.confirmed_on == timezone.localdate()
    assert service.is_published
    assert service.phone == "04 72 00 00 00"
    assert service.postal_code == "69100"  # Villeurbanne
    assert service.latitude is not None and service.longitude is not None
    assert rows_of(service) == {"mobilite", PERMIS, VEHICULE}
    assert zone_rows_of(service) == set()  # placed by its coordinates, not its zone


def test_service_update_keeps_the_index_in_sync_and_confirms():
    actor = UserFactory()
    service = full_service(OrganisationFactory(), actor)
    Service.objects.filter(pk=service.pk).update(confirmed_on=dt.date(2020, 1, 1))
    service.refresh_from_db()
    updated = service_update(
        service=service,
        expected_version=service.version,
        actor=actor,
        thematiques=[CV],
        name="Atelier CV",
        latitude=None,
        longitude=None,
        commune_code="69123",
        zone_eligibilite=["2a", "France"],
    )
    assert rows_of(updated) == {"preparer-sa-candidature", CV}
    assert zone_rows_of(updated) == set()  # located at the centre of Lyon
    assert updated.version == 2
    assert updated.confirmed_on == timezone.localdate()
    assert (updated.latitude, updated.longitude) == (45.76404, 4.83566)


def test_a_service_without_coordinates_is_indexed_by_its_zone_until_it_has_some():
    actor = UserFactory()
    service = full_service(
        OrganisationFactory(),
        actor,
        commune_code="",
        address="",
        modes_accueil=["a-distance"],
        zone_eligibilite=["2a", "France"],
    )
    assert service.latitude is None
    assert zone_rows_of(service) == {"2a", "france"}  # lower-cased search keys
    located = service_update(
        service=service,
        expected_version=service.version,
        actor=actor,
        commune_code="69123",
        modes_accueil=["en-presentiel"],
        latitude=None,
        longitude=None,
    )
    assert located.latitude is not None
    assert zone_rows_of(located) == set()


def test_service_update_on_a_stale_version_is_refused():
    actor = UserFactory(first_name="Awa", last_name="Diallo")
    service = full_service(OrganisationFactory(), actor)
    service_update(service=service, expected_version=1, actor=actor, name="Première version")
    with pytest.raises(StaleObjectError, match="Awa Diallo"):
        service_update(service=service, expected_version=1, actor=actor, name="Seconde")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"publics": ["tous-publics", "jeunes"]}, "publics"),
        ({"zone_eligibilite": ["69", "lyon"]}, "zone_eligibilite"),
        ({"commune_code": ""}, "commune_code"),  # en présentiel without a commune
        ({"latitude": 40.42, "longitude": -3.70}, "latitude"),
        ({"latitude": 45.7}, "latitude"),
        ({"thematiques": ["mobilite"]}, "thematiques"),  # a category is not a thématique
        ({"frais": ["gratuit", "payant"]}, "frais"),
        ({"name": "A"}, "name"),
        ({"phone": "123"}, "phone"),
    ],
)
def test_service_rules(overrides, field):
    with pytest.raises(DomainError) as error:
        full_service(OrganisationFactory(), UserFactory(), **overrides)
    assert error.value.field == field


def test_confirm_publish_unpublish():
    actor = UserFactory()
    service = ServiceFactory(confirmed_on=dt.date(2020, 1, 1))
    version = service.version
    service_confirm(service=service, actor=actor)
    service.refresh_from_db()
    assert service.confirmed_on == timezone.localdate()
    assert service.version == version  # a colleague editing meanwhile is not refused
    service_unpublish(service=service, actor=actor)
    service.refresh_from_db()
    assert not service.is_published
    service_publish(service=service, actor=actor)
    service.refresh_from_db()
    assert service.is_published


# --- Staleness and reminders ---------------------------------------------------------------


def test_staleness_after_six_months():
    today = dt.date(2025, 8, 31)
    assert services_catalogue.stale_threshold(today) == dt.date(2025, 2, 28)
    fresh = ServiceFactory(confirmed_on=dt.date(2025, 2, 28))
    stale = ServiceFactory(confirmed_on=dt.date(2025, 2, 27))
    never_old = ServiceFactory(confirmed_on=None)
    Service.objects.filter(pk=never_old.pk).update(
        created_at=timezone.make_aware(dt.datetime(2024, 1, 1))
    )
    never_recent = ServiceFactory(confirmed_on=None)
    assert not services_catalogue.is_stale(fresh, today)
    assert services_catalogue.is_stale(stale, today)
    assert set(Service.objects.filter(services_catalogue.stale_q(today))) == {stale, never_old}
    assert not services_catalogue.is_stale(never_recent, today)


def _stale_setup():
    organisation = OrganisationFactory(name="Mission locale de Lyon")
    managers = [MembershipFactory(organisation=organisation, role="manager") for _ in range(2)]
    MembershipFactory(organisation=organisation, role="referent")
    MembershipFactory(organisation=organisation, role="manager", inactive=True)
    old = dt.date(2020, 1, 1)
    ServiceFactory(organisation=organisation, name="Atelier CV", confirmed_on=old)
    ServiceFactory(organisation=organisation, name="Garantie jeunes", confirmed_on=old)
    ServiceFactory(organisation=organisation, name="À jour")
    ServiceFactory(organisation=organisation, name="Caché", confirmed_on=old, is_published=False)
    external = OrganisationFactory(is_external=True)
    ServiceFactory(organisation=external, confirmed_on=old)
    return organisation, managers


def test_nag_emails_managers_once_a_day(settings, django_capture_on_commit_callbacks):
    settings.RELAIS_BASE_URL = "https://relais.example.fr"
    organisation, managers = _stale_setup()
    with django_capture_on_commit_callbacks(execute=True):
        result = stale_services_nag()
    assert (result.organisations, result.emails) == (1, 2)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in managers)
    body = mail.outbox[0].body
    assert "2 services de « Mission locale de Lyon »" in body
    assert "Atelier CV" in body and "Garantie jeunes" in body
    assert "À jour" not in body and "Caché" not in body
    assert "https://relais.example.fr/annuaire/services/" in body
    assert mail.outbox[0].subject.endswith("2 services à confirmer")
    assert Notification.objects.filter(organisation=organisation).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        again = stale_services_nag()
    assert (again.emails, again.skipped) == (0, 2)
    assert len(mail.outbox) == 2

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    later = stale_services_nag(today=tomorrow)
    assert later.emails == 2


def test_nag_command_is_idempotent(capsys, django_capture_on_commit_callbacks):
    _stale_setup()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("nag_stale_services")
        call_command("nag_stale_services")
    output = capsys.readouterr().out
    assert "2 e-mails envoyés (1 structure)" in output
    assert "0 e-mail envoyé (0 structure) ; 2 déjà prévenu(s) aujourd'hui." in output
    assert len(mail.outbox) == 2


def test_nothing_to_nag():
    ServiceFactory()
    assert stale_services_nag().emails == 0
    assert mail.outbox == []


# --- Export → import round trip ------------------------------------------------------------


def _round_trip_data():
    organisation = OrganisationFactory(
        name="PLIE Uni-Est",
        networks=["plie"],
        address="2 rue Paul Verlaine",
        phone="04 78 00 00 00",
        email="contact@plie.example",
        website="https://plie.example/",
        description="Le PLIE accompagne vers l'emploi.",
    )
    manager = MembershipFactory(organisation=organisation, role="manager")
    full_service(organisation, manager.user)
    full_service(
        organisation,
        manager.user,
        name="Atelier CV",
        thematiques=[CV],
        frais=[],
        publics=["tous-publics"],
    )
    partner = external_organisation_create(
        actor=manager.user, name="Garage solidaire", kind="association", commune_code="69259"
    )
    full_service(partner, manager.user, name="Réparation de véhicules", commune_code="69259")
    return organisation, partner, manager


def _export(organisations):
    organisations = sorted(organisations, key=lambda o: o.pk)
    services = (
        Service.objects.filter(organisation__in=organisations, is_published=True)
        .select_related("organisation")
        .order_by("organisation_id", "pk")
    )
    return organisations, list(services)


def test_export_is_valid_data_inclusion():
    organisation, partner, _ = _round_trip_data()
    organisations, services = _export([organisation, partner])
    payload = json.loads(datainclusion.export_json(organisations, services))
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


def test_json_round_trip_is_identical():
    organisation, partner, manager = _round_trip_data()
    before = datainclusion.export_json(*_export([organisation, partner]))
    counts = (Service.objects.count(), ServiceThematique.objects.count())
    report = catalogue_import(
        [ImportFile("export.json", before.encode(), "json")],
        actor=manager.user,
        membership=manager,
    )
    assert report.ok, report.errors
    assert (report.structures.created, report.services.created) == (0, 0)
    after = datainclusion.export_json(*_export([organisation, partner]))
    assert after == before
    assert (Service.objects.count(), ServiceThematique.objects.count()) == counts
    # The organisation had no postal code nor coordinates: the first import stored those of
    # its commune (as exported); from then on, nothing changes.
    report = catalogue_import(
        [ImportFile("export.json", after.encode(), "json")], actor=manager.user, membership=manager
    )
    assert (report.structures.unchanged, report.services.unchanged) == (2, 3)


def test_csv_round_trip_is_identical():
    organisation, partner, manager = _round_trip_data()
    organisations, services = _export([organisation, partner])
    structures_csv = datainclusion.export_csv(
        (datainclusion.structure_to_v1(o) for o in organisations), datainclusion.STRUCTURE_FIELDS
    )
    services_csv = datainclusion.export_csv(
        (datainclusion.service_to_v1(s) for s in services), datainclusion.SERVICE_FIELDS
    )
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
    organisations, services = _export([organisation, partner])
    assert (
        datainclusion.export_csv(
            (datainclusion.structure_to_v1(o) for o in organisations),
            datainclusion.STRUCTURE_FIELDS,
        )
        == structures_csv
    )
    assert (
        datainclusion.export_csv(
            (datainclusion.service_to_v1(s) for s in services), datainclusion.SERVICE_FIELDS
        )
        == services_csv
    )


def test_round_trip_into_an_empty_directory_recreates_the_same_data():
    organisation, partner, _ = _round_trip_data()
    organisations, services = _export([organisation, partner])
    payload = json.loads(datainclusion.export_json(organisations, services))
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
    assert json.loads(datainclusion.export_json(structures, imported)) == json.loads(text)
