"""Directory writes: external partners, directory entries, services (rules, location,
optimistic locking, confirmation, publication)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, StaleObjectError
from relais.network.directory.services import (
    external_organisation_create,
    organisation_directory_update,
    service_confirm,
    service_publish,
    service_unpublish,
    service_update,
)
from tests.factories import OrganisationFactory, ServiceFactory, UserFactory, valid_siret
from tests.network.directory.support import PERMIS, VEHICULE, full_service, rows_of, zone_rows_of

pytestmark = pytest.mark.django_db


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
        expected_version=1,
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
        organisation_directory_update(
            organisation=organisation, actor=UserFactory(), expected_version=2, name="Autre"
        )


def test_external_partner_may_move():
    partner = external_organisation_create(
        actor=UserFactory(), name="Boutique solidaire", kind="association", commune_code="69123"
    )
    organisation_directory_update(
        organisation=partner,
        actor=UserFactory(),
        expected_version=1,
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


def test_two_managers_editing_the_entry_at_once_do_not_overwrite_each_other():
    """#11, 3: the directory entry has optimistic locking like the other shared records."""
    organisation = OrganisationFactory(name="CCAS de Lyon")
    first, second = UserFactory(first_name="Awa", last_name="Diallo"), UserFactory()
    organisation_directory_update(
        organisation=organisation, actor=first, expected_version=1, phone="0472000001"
    )
    with pytest.raises(StaleObjectError, match="Awa Diallo"):
        organisation_directory_update(
            organisation=organisation, actor=second, expected_version=1, phone="0472000002"
        )
    organisation.refresh_from_db()
    assert organisation.phone == "04 72 00 00 01"
    assert organisation.version == 2
