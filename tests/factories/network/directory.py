"""Factories of the directory wing: partner services (data·inclusion fields)."""

from __future__ import annotations

import factory
from django.utils import timezone

from relais.network.directory.indexing import thematique_index_values, zone_index_values
from relais.network.directory.models import Service, ServiceThematique, ServiceZone
from tests.factories.accounts import OrganisationFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service d'accompagnement {n}")
    description = "Accompagnement individuel vers l'emploi et l'accès aux droits."
    type = "accompagnement"
    thematiques = factory.LazyFunction(
        lambda: ["trouver-un-emploi", "trouver-un-emploi--repondre-a-des-offres-demploi"]
    )
    publics = factory.LazyFunction(lambda: ["tous-publics"])
    modes_accueil = factory.LazyFunction(lambda: ["en-presentiel"])
    commune_code = "69123"
    latitude = 45.7578
    longitude = 4.8320
    confirmed_on = factory.LazyFunction(lambda: timezone.localdate())


class IndexedServiceFactory(ServiceFactory):
    """A service with its ServiceThematique rows (each thématique and its category) and its
    ServiceZone rows, as the service layer keeps them: what the search filters on."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def thematique_rows(obj, create, extracted, **kwargs):
        if not create:
            return
        codes = thematique_index_values(obj.thematiques)
        ServiceThematique.objects.bulk_create(
            [ServiceThematique(service=obj, thematique=code) for code in sorted(codes)],
            ignore_conflicts=True,
        )

    @factory.post_generation
    def zone_rows(obj, create, extracted, **kwargs):
        if not create:
            return
        codes = zone_index_values(obj.zone_eligibilite, located=obj.latitude is not None)
        ServiceZone.objects.bulk_create(
            [ServiceZone(service=obj, code=code) for code in sorted(codes)],
            ignore_conflicts=True,
        )
