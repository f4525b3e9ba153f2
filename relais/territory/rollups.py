"""Aggregates of the communes' figures for each département, région and France, computed
once when an indicator's values change (import, demo) and stored beside the published
figures (`IndicatorValue.computed`): a portrait or a comparison column then reads one row
per year by index instead of adding up 35,000 communes at each request.

The rules are the portrait's: counts add up, rates and means are weighted by their
denominator (or the population), and an aggregate missing some communes is kept with
`complete=False`. A figure published for the area itself always wins: none is computed
where one exists."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from relais.territory import geography
from relais.territory.models import Aggregation, Indicator, IndicatorValue

BATCH = 5000


def _expected() -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for commune in geography.communes().values():
        counts[("departement", commune.departement)] += 1
        counts[("region", commune.region)] += 1
        counts[("france", "FR")] += 1
    return counts


@transaction.atomic
def rollup(indicator: Indicator, years: set[int] | None = None) -> int:
    """Recompute the indicator's aggregates (of `years`, or all); answer how many rows."""
    if indicator.level != "commune":
        return 0
    values = IndicatorValue.objects.filter(indicator=indicator, level="commune")
    computed = IndicatorValue.objects.filter(indicator=indicator, computed=True)
    if years is not None:
        values = values.filter(year__in=years)
        computed = computed.filter(year__in=years)
    computed.delete()
    published = set(
        IndicatorValue.objects.filter(indicator=indicator, computed=False)
        .exclude(level="commune")
        .values_list("level", "geo_code", "year")
    )
    weights: dict[tuple[str, int], float] | None = None
    if indicator.aggregation == Aggregation.WEIGHTED and indicator.weight_id:
        weight_rows = IndicatorValue.objects.filter(
            indicator_id=indicator.weight_id, level="commune", value__isnull=False
        )
        if years is not None:
            weight_rows = weight_rows.filter(year__in=years)
        weights = {(c, y): v for c, y, v in weight_rows.values_list("geo_code", "year", "value")}
    table = geography.communes()
    # (level, code, year) → [sum or weighted sum, weight, communes with a figure, missing]
    totals: dict[tuple[str, str, int], list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    for code, year, value in values.values_list("geo_code", "year", "value").iterator(
        chunk_size=20_000
    ):
        commune = table.get(code)
        if commune is None:
            continue
        areas = (
            ("departement", commune.departement),
            ("region", commune.region),
            ("france", "FR"),
        )
        if value is None:
            for level, area in areas:
                totals[(level, area, year)][3] += 1
            continue
        if indicator.aggregation == Aggregation.SUM:
            add, weight = value, 0.0
        else:
            weight = weights.get((code, year)) if weights is not None else commune.population
            if not weight:
                for level, area in areas:
                    totals[(level, area, year)][3] += 1
                continue
            add = value * weight
        for level, area in areas:
            acc = totals[(level, area, year)]
            acc[0] += add
            acc[1] += weight
            acc[2] += 1
    expected = _expected()
    rows = []
    for (level, area, year), (total, weight, present, missing) in totals.items():
        if (level, area, year) in published or not present:
            continue
        value = total if indicator.aggregation == Aggregation.SUM else total / weight
        rows.append(
            IndicatorValue(
                indicator=indicator,
                level=level,
                geo_code=area,
                year=year,
                value=value,
                computed=True,
                complete=not missing and present >= expected[(level, area)],
            )
        )
    IndicatorValue.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def rollup_with_dependents(indicator: Indicator, years: set[int] | None = None) -> int:
    """The indicator's aggregates, and those of the rates it is the denominator of."""
    count = rollup(indicator, years)
    for rate in Indicator.objects.filter(weight=indicator):
        count += rollup(rate, years)
    return count
