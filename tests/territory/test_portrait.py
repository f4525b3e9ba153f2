"""Aggregates over communes: sums for counts, weighted means for rates, never averages of
rates; missing figures make an aggregate incomplete, never a zero."""

from __future__ import annotations

import pytest

from relais.territory import geography
from relais.territory.models import IndicatorValue
from relais.territory.portrait import build_portrait, format_value
from tests.factories.territory import (
    LYON,
    VILLEURBANNE,
    IndicatorFactory,
    IndicatorValueFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db


def cell(portrait, indicator, key, year):
    for _theme, series_list in portrait.themes:
        for series in series_list:
            if series.indicator.pk == indicator.pk:
                return series.cells.get(key, {}).get(year)
    return None


def test_counts_add_up_over_the_communes(organisation):
    territory = TerritoryFactory(organisation=organisation, comparison_areas=[])
    population = IndicatorFactory(organisation=organisation)
    IndicatorValueFactory(indicator=population, geo_code=LYON, value=500)
    IndicatorValueFactory(indicator=population, geo_code=VILLEURBANNE, value=150)
    IndicatorValueFactory(indicator=population, geo_code="69256", value=1000)  # not in it
    found = cell(build_portrait(territory), population, "territoire", 2022)
    assert found.value == 650
    assert found.complete


def test_rates_are_weighted_by_their_denominator_not_averaged(organisation):
    territory = TerritoryFactory(organisation=organisation, comparison_areas=[])
    households = IndicatorFactory(organisation=organisation)
    rate = IndicatorFactory(organisation=organisation, rate=True, weight=households)
    IndicatorValueFactory(indicator=households, geo_code=LYON, value=900)
    IndicatorValueFactory(indicator=households, geo_code=VILLEURBANNE, value=100)
    IndicatorValueFactory(indicator=rate, geo_code=LYON, value=10)
    IndicatorValueFactory(indicator=rate, geo_code=VILLEURBANNE, value=30)
    found = cell(build_portrait(territory), rate, "territoire", 2022)
    # (10×900 + 30×100) / 1000 = 12, where the average of rates would say 20.
    assert found.value == pytest.approx(12)


def test_rates_without_denominator_are_weighted_by_population(organisation):
    territory = TerritoryFactory(organisation=organisation, comparison_areas=[])
    rate = IndicatorFactory(organisation=organisation, rate=True)
    IndicatorValueFactory(indicator=rate, geo_code=LYON, value=10)
    IndicatorValueFactory(indicator=rate, geo_code=VILLEURBANNE, value=30)
    table = geography.communes()
    lyon, villeurbanne = table[LYON].population, table[VILLEURBANNE].population
    expected = (10 * lyon + 30 * villeurbanne) / (lyon + villeurbanne)
    assert cell(build_portrait(territory), rate, "territoire", 2022).value == pytest.approx(
        expected
    )


def test_secret_figures_make_the_sum_incomplete_not_smaller(organisation):
    territory = TerritoryFactory(organisation=organisation, comparison_areas=[])
    count = IndicatorFactory(organisation=organisation)
    IndicatorValueFactory(indicator=count, geo_code=LYON, value=500)
    IndicatorValueFactory(indicator=count, geo_code=VILLEURBANNE, value=None, marker="s")
    found = cell(build_portrait(territory), count, "territoire", 2022)
    assert found.value == 500 and not found.complete
    assert format_value(found, count) == "500"


def test_a_departement_uses_its_published_figure_and_france_aggregates(organisation):
    territory = TerritoryFactory(
        organisation=organisation, comparison_areas=["departement:69", "france"]
    )
    rate = IndicatorFactory(organisation=organisation, rate=True)
    IndicatorValueFactory(indicator=rate, level="departement", geo_code="69", value=14.5)
    IndicatorValueFactory(indicator=rate, geo_code=LYON, value=10)
    portrait = build_portrait(territory)
    assert cell(portrait, rate, "departement:69", 2022).value == 14.5
    assert cell(portrait, rate, "france", 2022).value == pytest.approx(10)


def test_evolution_over_years_and_indicators_of_other_organisations_unseen(
    organisation, other_organisation
):
    territory = TerritoryFactory(organisation=organisation, comparison_areas=[])
    mine = IndicatorFactory(organisation=organisation)
    theirs = IndicatorFactory(organisation=other_organisation)
    for year in (2019, 2020, 2021):
        IndicatorValueFactory(indicator=mine, year=year, value=year - 2000)
    IndicatorValueFactory(indicator=theirs)
    portrait = build_portrait(territory)
    assert portrait.years == [2019, 2020, 2021]
    shown = [s.indicator for _t, series in portrait.themes for s in series]
    assert shown == [mine]
    assert [c.value for c in portrait.themes[0][1][0].row("territoire")] == [19, 20, 21]


def test_rollups_of_departements_regions_and_france(organisation):
    from relais.territory.rollups import rollup

    count = IndicatorFactory(organisation=organisation)
    IndicatorValueFactory(indicator=count, geo_code=LYON, value=500)
    IndicatorValueFactory(indicator=count, geo_code=VILLEURBANNE, value=None, marker="s")
    IndicatorValueFactory(indicator=count, geo_code="13055", value=7)  # Marseille
    IndicatorValueFactory(indicator=count, level="region", geo_code="93", value=99)  # published
    rollup(count)
    rows = {
        (v.level, v.geo_code): (v.value, v.complete)
        for v in IndicatorValue.objects.filter(indicator=count, computed=True)
    }
    assert rows == {
        ("departement", "69"): (500, False),  # Villeurbanne under secret, and 260 others missing
        ("departement", "13"): (7, False),
        ("region", "84"): (500, False),
        ("france", "FR"): (507, False),
    }  # the région 93 keeps its published figure
    territory = TerritoryFactory(
        organisation=organisation, comparison_areas=["departement:69", "france"]
    )
    portrait = build_portrait(territory)
    assert cell(portrait, count, "france", 2022).value == 507
    rollup(count)  # again: replaced, not added
    assert IndicatorValue.objects.filter(indicator=count, computed=True).count() == 4


def test_rollup_of_a_rate_weighted_by_its_denominator(organisation):
    from relais.territory.rollups import rollup_with_dependents

    households = IndicatorFactory(organisation=organisation)
    rate = IndicatorFactory(organisation=organisation, rate=True, weight=households)
    IndicatorValueFactory(indicator=households, geo_code=LYON, value=900)
    IndicatorValueFactory(indicator=households, geo_code=VILLEURBANNE, value=100)
    IndicatorValueFactory(indicator=rate, geo_code=LYON, value=10)
    IndicatorValueFactory(indicator=rate, geo_code=VILLEURBANNE, value=30)
    rollup_with_dependents(households)
    value = IndicatorValue.objects.get(indicator=rate, level="departement", geo_code="69")
    assert value.value == pytest.approx(12) and value.computed
