"""Factories of the territory module: territories, indicators and their values, needs
analyses, watch entries."""

from __future__ import annotations

import factory
from django.utils import timezone

from relais.territory.models import (
    Indicator,
    IndicatorValue,
    NeedsAnalysis,
    PoolingAgreement,
    Territory,
    WatchItem,
)
from tests.factories.accounts import OrganisationFactory, UserFactory

# Métropole de Lyon (EPCI 200046977): Lyon, Villeurbanne, Vaulx-en-Velin…
LYON, VILLEURBANNE, VAULX = "69123", "69266", "69256"


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Territoire {n}")
    areas = factory.LazyFunction(lambda: [f"commune:{LYON}", f"commune:{VILLEURBANNE}"])
    comparison_areas = factory.LazyFunction(lambda: ["departement:69", "france"])


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"indicateur-{n}")
    name = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "personnes"
    source = "INSEE, recensement"
    theme = "demography"

    class Params:
        rate = factory.Trait(aggregation="weighted", unit="%", theme="income")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    level = "commune"
    geo_code = LYON
    year = 2022
    value = 100.0


class PoolingAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolingAgreement

    organisation = factory.SubFactory(OrganisationFactory)
    agreed_by = factory.SubFactory(UserFactory)
    agreed_on = factory.LazyFunction(timezone.localdate)


class NeedsAnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedsAnalysis

    territory = factory.SubFactory(TerritoryFactory)
    organisation = factory.SelfAttribute("territory.organisation")
    year = 2026
    title = "Analyse des besoins sociaux 2026"
    created_by = factory.SubFactory(UserFactory)


class WatchItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WatchItem

    organisation = factory.SubFactory(OrganisationFactory)
    published_on = factory.LazyFunction(timezone.localdate)
    title = factory.Sequence(lambda n: f"Revalorisation du RSA {n}")
    source = "Légifrance"
    search_key = factory.LazyAttribute(lambda o: o.title.lower())
    created_by = factory.SubFactory(UserFactory)
