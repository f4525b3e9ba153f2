"""The index rows the search reads (ServiceThematique, ServiceZone): what they hold, and
kept equal to the service's fields by every write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.network.directory.indexing import thematique_index_values, zone_index_values
from relais.network.directory.models import Service
from relais.network.directory.services import service_update
from tests.factories import OrganisationFactory, UserFactory
from tests.network.directory.support import CV, full_service, rows_of, zone_rows_of

pytestmark = pytest.mark.django_db


def test_index_values():
    assert thematique_index_values(["mobilite--preparer-un-permis"]) == {
        "mobilite",
        "mobilite--preparer-un-permis",
    }
    assert zone_index_values([" 2A ", "France", ""], located=False) == {"2a", "france"}
    assert zone_index_values(["69"], located=True) == set()


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
