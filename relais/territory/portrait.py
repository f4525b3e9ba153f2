"""The territory portrait: each indicator over the years, for the territory and its
comparison areas, aggregated correctly over communes.

Counts add up (a commune under secret statistique makes the total « incomplet », never a
smaller number shown as whole). Rates and means are averaged with weights: the indicator's
denominator for the same commune and year when it has one, else the commune's population
(COG) — never a plain average of rates. Figures published at the area's own level (a
département's rate from INSEE) are used as they are; for a département, a région or France
without one, the aggregate computed when the values were imported (`rollups.py`) is read.
Only territories made of communes or EPCI are added up at each request."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum

from relais.territory import geography
from relais.territory.models import Aggregation, Indicator, IndicatorValue, Territory, Theme


@dataclass(frozen=True)
class Cell:
    value: float | None
    complete: bool = True

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass
class Column:
    key: str
    label: str
    communes: list[str]
    level: str = "commune"
    code: str = ""


@dataclass
class IndicatorSeries:
    indicator: Indicator
    years: list[int]
    # column key → year → cell
    cells: dict[str, dict[int, Cell]] = field(default_factory=dict)

    def row(self, key: str) -> list[Cell]:
        return [self.cells.get(key, {}).get(y, Cell(None)) for y in self.years]


@dataclass
class Portrait:
    territory: Territory
    columns: list[Column]
    years: list[int]
    themes: list[tuple[str, list[IndicatorSeries]]]

    @property
    def is_empty(self) -> bool:
        return not any(series for _t, series in self.themes)


def visible_indicators(organisation_id: int):
    return Indicator.objects.catalogue_of(organisation_id)


def themes_with_values(organisation_id: int) -> list[str]:
    """The themes (in their usual order) that have at least one indicator with a figure: the
    portrait shows one theme at a time and lists these. One index probe per indicator, not a
    pass over the values."""
    found = set(
        visible_indicators(organisation_id)
        .filter(Exists(IndicatorValue.objects.filter(indicator_id=OuterRef("pk"))))
        .values_list("theme", flat=True)
        .distinct()
    )
    return [t for t in Theme.values if t in found]


def territory_columns(territory: Territory) -> list[Column]:
    columns = [
        Column(
            key="territoire",
            label=territory.name,
            communes=geography.communes_of(territory.areas),
            level=_single_level(territory.areas)[0],
            code=_single_level(territory.areas)[1],
        )
    ]
    for area in territory.comparison_areas:
        level, code = geography.split_area(area)
        columns.append(
            Column(
                key=area,
                label=geography.area_label(area),
                communes=list(geography.area_communes(area)),
                level=level,
                code=code or "FR",
            )
        )
    return columns


def _single_level(areas: list[str]) -> tuple[str, str]:
    """A territory of one département (or EPCI…) can use figures published for it."""
    if len(areas) == 1:
        level, code = geography.split_area(areas[0])
        if level != "commune":
            return level, code or "FR"
    return "commune", ""


def build_portrait(
    territory: Territory,
    *,
    indicators: list[Indicator] | None = None,
    years: int = 10,
    themes: list[str] | None = None,
    until: int | None = None,
) -> Portrait:
    """The latest `years` years with a figure; with `until`, none after that year: an ABS of
    2024 produced again in 2026 shows the years up to 2024, not the figures of 2025–2026."""
    if indicators is None:
        indicators = list(visible_indicators(territory.organisation_id).select_related("weight"))
    if themes:
        indicators = [i for i in indicators if i.theme in themes]
    columns = territory_columns(territory)
    ids = [i.pk for i in indicators]
    rows = IndicatorValue.objects.filter(indicator_id__in=ids, geo_code__in=_year_codes(columns))
    if until is not None:
        rows = rows.filter(year__lte=until)
    all_years = sorted(rows.values_list("year", flat=True).distinct())[-years:]
    series = {i.pk: IndicatorSeries(indicator=i, years=all_years) for i in indicators}
    if ids and all_years:
        for column in columns:
            _fill_column(column, indicators, all_years, series)
    by_theme: dict[str, list[IndicatorSeries]] = defaultdict(list)
    for indicator in indicators:
        s = series[indicator.pk]
        if any(not c.missing for cells in s.cells.values() for c in cells.values()):
            by_theme[indicator.theme].append(s)
    ordered = [(t, by_theme[t]) for t in Theme.values if by_theme.get(t)]
    return Portrait(territory=territory, columns=columns, years=all_years, themes=ordered)


def _year_codes(columns: list[Column]) -> set[str]:
    """The codes whose rows tell which years the portrait shows: each area's own code (its
    published or computed figures) and the communes of every column but France's. Reading
    the years of every value of the indicators instead went through every commune of France
    (350,000 index entries per indicator over 10 years): most of the page's time."""
    codes: set[str] = set()
    for column in columns:
        if column.level != "commune":
            codes.add(column.code)
        if column.level != "france":
            codes.update(column.communes)
    return codes


def _fill_column(column: Column, indicators, years, series) -> None:
    published: set[int] = set()
    if column.level != "commune":
        # Figures published at the area's own level come first.
        # Figures published for the area itself, else the aggregates computed at import.
        for ind_id, year, value, complete in IndicatorValue.objects.filter(
            indicator_id__in=[i.pk for i in indicators],
            level=column.level,
            geo_code=column.code,
            year__in=years,
        ).values_list("indicator_id", "year", "value", "complete"):
            series[ind_id].cells.setdefault(column.key, {})[year] = Cell(value, complete)
            published.add(ind_id)
    rest = [i for i in indicators if i.pk not in published]
    whole_country = column.level == "france"
    codes = column.communes
    sums = [i for i in rest if i.aggregation == Aggregation.SUM]
    if sums:
        rows = IndicatorValue.objects.filter(
            indicator_id__in=[i.pk for i in sums], level="commune", year__in=years
        )
        if not whole_country:
            rows = rows.filter(geo_code__in=codes)
        for row in rows.values("indicator_id", "year").annotate(
            total=Sum("value"), missing=Count("id", filter=Q(value__isnull=True)), n=Count("id")
        ):
            expected = len(geography.communes()) if whole_country else len(codes)
            complete = row["missing"] == 0 and row["n"] >= expected
            series[row["indicator_id"]].cells.setdefault(column.key, {})[row["year"]] = Cell(
                row["total"], complete
            )
    rates = [i for i in rest if i.aggregation == Aggregation.WEIGHTED]
    if rates:
        _weighted(column, rates, years, series, None if whole_country else codes)


def _weighted(column, rates, years, series, codes) -> None:
    weight_ids = {i.weight_id for i in rates if i.weight_id}
    wanted = {i.pk for i in rates} | weight_ids
    rows = IndicatorValue.objects.filter(
        indicator_id__in=wanted, level="commune", year__in=years, value__isnull=False
    )
    if codes is not None:
        rows = rows.filter(geo_code__in=codes)
    values: dict[int, dict[tuple[str, int], float]] = defaultdict(dict)
    for ind_id, code, year, value in rows.values_list("indicator_id", "geo_code", "year", "value"):
        values[ind_id][(code, year)] = value
    population = geography.communes()
    expected = len(codes) if codes is not None else len(population)
    for indicator in rates:
        weights = values.get(indicator.weight_id, {}) if indicator.weight_id else None
        totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
        for (code, year), value in values.get(indicator.pk, {}).items():
            if weights is not None:
                weight = weights.get((code, year))
            else:
                commune = population.get(code)
                weight = commune.population if commune else None
            if not weight:
                continue
            acc = totals[year]
            acc[0] += value * weight
            acc[1] += weight
            acc[2] += 1
        cells = series[indicator.pk].cells.setdefault(column.key, {})
        for year, (weighted, weight, n) in totals.items():
            if weight:
                cells[year] = Cell(weighted / weight, n >= expected)


# What a missing figure (secret statistique, non disponible) shows, in the page and the XLSX.
NOT_AVAILABLE = "nd"


def format_value(cell: Cell, indicator: Indicator) -> str:
    if cell.value is None:
        return NOT_AVAILABLE
    decimals = 0 if indicator.aggregation == Aggregation.SUM else 1
    text = f"{cell.value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text
