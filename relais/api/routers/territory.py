"""Territory (API): the organisation's territories, the indicator catalogue and values
(read), and the observed needs of a territory — aggregated, with counts of 1 to 4 given as
« < 5 » and counts hidden to protect them « s », exactly as on the pages. Every member of the organisation may read them; nothing
here names a person."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.params import Path

from relais.api.access import acting_membership
from relais.api.routers.people import ERRORS, Id, OrganisationId
from relais.core.errors import PermissionDenied
from relais.territory import geography
from relais.territory.models import Indicator, IndicatorValue, Territory
from relais.territory.needs import disclosed, observed_needs
from relais.territory.policies import can_view_territory

router = Router(tags=["Territoire"])
MAX_VALUES = 5000


class AreaOut(Schema):
    area: str
    label: str


class TerritoryOut(Schema):
    id: int
    name: str
    areas: list[AreaOut]
    comparison_areas: list[AreaOut]
    communes: int
    population: int


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    definition: str
    unit: str
    source: str
    theme: str
    level: str
    aggregation: str
    weight_id: int | None
    is_demo: bool
    shared: bool


class ValueOut(Schema):
    geo_code: str
    level: str
    year: int
    value: float | None
    marker: str


class ValuesOut(Schema):
    count: int
    offset: int
    values: list[ValueOut]


class ValuesQuery(Schema):
    geo_code: str | None = None
    year: int | None = None
    offset: int = 0
    limit: int = MAX_VALUES


class CountOut(Schema):
    label: str
    persons: str


class DomainNeedOut(Schema):
    domain: str
    label: str
    persons: str
    blocking: str


class YearOut(Schema):
    year: int
    persons: str
    urgent: str


class NeedsOut(Schema):
    territory_id: int
    year: int
    organisations: int
    persons: str
    persons_in_difficulty: str
    by_domain: list[DomainNeedOut]
    by_commune: list[CountOut]
    by_age: list[CountOut]
    by_scheme: list[CountOut]
    barriers: list[CountOut]
    evolution: list[YearOut]
    computed_at: dt.datetime | None = Field(
        None,
        description="Quand ces chiffres ont été calculés (ils le sont à l'avance, quelques "
        "minutes après chaque saisie) ; vide : calculés pour cette requête.",
    )


def _membership(request: HttpRequest, organisation_id: int):
    membership = acting_membership(request, organisation_id)
    if not can_view_territory(membership):
        raise PermissionDenied("Votre rôle ne donne pas accès au territoire.")
    return membership


def _areas(areas: list[str]) -> list[AreaOut]:
    return [AreaOut(area=a, label=geography.area_label(a)) for a in areas]


def _territory_out(territory: Territory) -> TerritoryOut:
    communes = geography.communes_of(territory.areas)
    return TerritoryOut(
        id=territory.pk,
        name=territory.name,
        areas=_areas(territory.areas),
        comparison_areas=_areas(territory.comparison_areas),
        communes=len(communes),
        population=geography.population_of(communes),
    )


@router.get(
    "/organisations/{organisation_id}/territories",
    response={200: list[TerritoryOut], **ERRORS},
    summary="Territoires de la structure",
)
def territory_list(request: HttpRequest, organisation_id: OrganisationId):
    _membership(request, organisation_id)
    return [_territory_out(t) for t in Territory.objects.of_organisation(organisation_id)]


@router.get(
    "/organisations/{organisation_id}/territories/{territory_id}",
    response={200: TerritoryOut, **ERRORS},
    summary="Un territoire : ses zones, ses territoires de comparaison, communes et population",
)
def territory_detail(request: HttpRequest, organisation_id: OrganisationId, territory_id: Id):
    _membership(request, organisation_id)
    territory = get_object_or_404(
        Territory.objects.of_organisation(organisation_id), pk=territory_id
    )
    return _territory_out(territory)


def _indicator_out(indicator: Indicator) -> IndicatorOut:
    return IndicatorOut(
        id=indicator.pk,
        code=indicator.code,
        name=indicator.name,
        definition=indicator.definition,
        unit=indicator.unit,
        source=indicator.source,
        theme=indicator.theme,
        level=indicator.level,
        aggregation=indicator.aggregation,
        weight_id=indicator.weight_id,
        is_demo=indicator.is_demo,
        shared=indicator.organisation_id is None,
    )


@router.get(
    "/organisations/{organisation_id}/indicators",
    response={200: list[IndicatorOut], **ERRORS},
    summary="Catalogue des indicateurs",
    description="Les indicateurs de la structure et les indicateurs communs.",
)
def indicator_list(request: HttpRequest, organisation_id: OrganisationId):
    _membership(request, organisation_id)
    return [_indicator_out(i) for i in Indicator.objects.catalogue_of(organisation_id)]


@router.get(
    "/organisations/{organisation_id}/indicators/{indicator_id}/values",
    response={200: ValuesOut, **ERRORS},
    summary="Valeurs d'un indicateur",
    description=(
        f"Par code géographique et année, {MAX_VALUES} au plus par page (`offset`). Une "
        "valeur manquante a `value: null` et son `marker` (« s » secret statistique, « c » "
        "confidentiel, « nd » non disponible, « nc » non communiqué, « ns » non significatif, "
        "« so » sans objet) : ce n'est jamais un zéro."
    ),
)
def indicator_values(
    request: HttpRequest,
    organisation_id: OrganisationId,
    indicator_id: Id,
    filters: Query[ValuesQuery],
):
    _membership(request, organisation_id)
    indicator = get_object_or_404(Indicator.objects.catalogue_of(organisation_id), pk=indicator_id)
    rows = IndicatorValue.objects.filter(indicator=indicator)
    if filters.geo_code:
        rows = rows.filter(geo_code=filters.geo_code.strip().upper())
    if filters.year:
        rows = rows.filter(year=filters.year)
    offset = max(0, filters.offset)
    limit = min(max(1, filters.limit), MAX_VALUES)
    page = list(
        rows.order_by("geo_code", "year").values("geo_code", "level", "year", "value", "marker")[
            offset : offset + limit
        ]
    )
    return ValuesOut(count=rows.count(), offset=offset, values=[ValueOut(**v) for v in page])


Year = Annotated[int | None, Path(ge=2000, le=2100)]


class NeedsQuery(Schema):
    year: int | None = None


@router.get(
    "/organisations/{organisation_id}/territories/{territory_id}/observed-needs",
    response={200: NeedsOut, **ERRORS},
    summary="Besoins observés d'un territoire (agrégés, anonymisés)",
    description=(
        "Diagnostics de l'année (`year`, par défaut l'année en cours) des structures ayant "
        "accepté de mutualiser leurs chiffres. Effectifs en texte : de 1 à 4, « < 5 » ; "
        "« s » : chiffre masqué pour protéger un petit effectif (il se déduirait sinon d'un "
        "total : les tranches d'âge font `persons`, les communes `persons_in_difficulty`, qui "
        "est aussi la ligne de l'année dans `evolution`). Une commune de moins de 5 "
        "personnes diagnostiquées n'est jamais comptée seule (« Autres communes », pour un "
        "territoire couvrant tout son département)."
    ),
)
def territory_needs(
    request: HttpRequest,
    organisation_id: OrganisationId,
    territory_id: Id,
    filters: Query[NeedsQuery],
):
    _membership(request, organisation_id)
    territory = get_object_or_404(
        Territory.objects.of_organisation(organisation_id), pk=territory_id
    )
    year = (
        filters.year if filters.year and 2000 <= filters.year <= 2100 else timezone.localdate().year
    )
    found = observed_needs(territory, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    figures = disclosed(found)
    return NeedsOut(
        territory_id=territory.pk,
        year=year,
        organisations=found.organisations,
        persons=str(figures.persons),
        persons_in_difficulty=str(figures.difficulty),
        by_domain=[
            DomainNeedOut(domain=k, label=label, persons=str(n), blocking=str(b))
            for k, label, n, b in figures.domains
        ],
        by_commune=[CountOut(label=name, persons=str(n)) for _c, name, n in figures.communes],
        by_age=[CountOut(label=label, persons=str(n)) for label, n in figures.ages],
        by_scheme=[CountOut(label=label, persons=str(n)) for label, n in figures.schemes],
        barriers=[CountOut(label=label, persons=str(n)) for label, n in figures.barriers],
        evolution=[YearOut(year=y, persons=str(p), urgent=str(u)) for y, p, u in figures.evolution],
        computed_at=found.computed_at,
    )
