"""Demo data of the territory module: the CCAS's territory (Villeurbanne and the east of
Lyon), a small catalogue of indicators with plausible, generated figures for every commune
of the Rhône — labelled as demo figures everywhere they show —, the pooling agreements, an
ABS under way and a few watch entries. Idempotent."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, Role
from relais.territory import geography, services
from relais.territory.models import (
    Aggregation,
    Indicator,
    IndicatorValue,
    NeedsAnalysis,
    Territory,
    WatchItem,
)
from relais.territory.rollups import rollup

DEMO_SOURCE = "Chiffres de démonstration (générés), sur le modèle de "
YEARS = range(2016, 2024)
DEPARTEMENT = "69"


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    name: str
    theme: str
    unit: str
    model: str  # the public source it imitates
    kind: str  # "count" (× population) or "rate"
    base: float  # share of the population, or the rate in %
    france: float  # the national rate (rates) or share (counts)
    weight: str = ""


INDICATORS = (
    DemoIndicator(
        "demo-population",
        "Population municipale",
        "demography",
        "habitants",
        "INSEE, recensement",
        "count",
        1.0,
        1.0,
    ),
    DemoIndicator(
        "demo-menages",
        "Ménages",
        "households",
        "ménages",
        "INSEE, recensement",
        "count",
        0.45,
        0.45,
    ),
    DemoIndicator(
        "demo-monoparentales",
        "Part des familles monoparentales",
        "households",
        "%",
        "INSEE, recensement",
        "rate",
        16.0,
        15.5,
        "demo-menages",
    ),
    DemoIndicator(
        "demo-pauvrete", "Taux de pauvreté", "income", "%", "INSEE, Filosofi", "rate", 15.0, 14.5
    ),
    DemoIndicator(
        "demo-rsa",
        "Foyers allocataires du RSA",
        "income",
        "foyers",
        "CAF, Cnaf",
        "count",
        0.030,
        0.028,
    ),
    DemoIndicator(
        "demo-defm",
        "Demandeurs d'emploi (catégorie A)",
        "employment",
        "personnes",
        "France Travail, Dares",
        "count",
        0.045,
        0.043,
    ),
    DemoIndicator(
        "demo-chomage",
        "Taux de chômage des 15-64 ans",
        "employment",
        "%",
        "INSEE, recensement",
        "rate",
        12.0,
        12.5,
    ),
    DemoIndicator(
        "demo-hlm",
        "Part des logements sociaux",
        "housing",
        "%",
        "Ministère du Logement, RPLS",
        "rate",
        20.0,
        17.0,
        "demo-menages",
    ),
    DemoIndicator(
        "demo-css",
        "Bénéficiaires de la complémentaire santé solidaire",
        "health",
        "personnes",
        "Assurance maladie",
        "count",
        0.10,
        0.105,
    ),
    DemoIndicator(
        "demo-neet",
        "Part des 15-24 ans ni en emploi ni en formation",
        "youth",
        "%",
        "INSEE, recensement",
        "rate",
        16.0,
        15.0,
    ),
    DemoIndicator(
        "demo-75plus",
        "Personnes de 75 ans et plus",
        "elderly",
        "personnes",
        "INSEE, recensement",
        "count",
        0.085,
        0.095,
    ),
    DemoIndicator(
        "demo-aah",
        "Allocataires de l'AAH",
        "disability",
        "personnes",
        "CAF, Cnaf",
        "count",
        0.022,
        0.021,
    ),
)
FRANCE_POPULATION = 68_000_000


def _values(spec: DemoIndicator, indicator: Indicator, codes: list[str]) -> list[IndicatorValue]:
    table = geography.communes()
    rows: list[IndicatorValue] = []
    for code in codes:
        rng = random.Random(f"{spec.code}-{code}")  # noqa: S311 (demo figures, reproducible)
        commune = table[code]
        urban = min(1.6, 0.7 + commune.population / 60_000)  # cities: more poverty, more HLM
        level = spec.base * (urban if spec.kind == "rate" or spec.code != "demo-population" else 1)
        trend = rng.uniform(-0.015, 0.02)
        for i, year in enumerate(YEARS):
            noise = rng.uniform(0.95, 1.05)
            if spec.kind == "count":
                value = round(commune.population * level * noise * (1 + trend) ** (i - len(YEARS)))
                if spec.code != "demo-population" and value < 5 and rng.random() < 0.5:
                    rows.append(
                        IndicatorValue(
                            indicator=indicator,
                            level="commune",
                            geo_code=code,
                            year=year,
                            value=None,
                            marker="s",
                        )
                    )
                    continue
            else:
                value = round(min(60.0, level * noise * (1 + trend) ** i), 1)
            rows.append(
                IndicatorValue(
                    indicator=indicator, level="commune", geo_code=code, year=year, value=value
                )
            )
    for i, year in enumerate(YEARS):
        national = spec.france * (1 + 0.004 * (i - 4))
        value = round(FRANCE_POPULATION * national) if spec.kind == "count" else round(national, 1)
        rows.append(
            IndicatorValue(
                indicator=indicator, level="france", geo_code="FR", year=year, value=value
            )
        )
    return rows


@transaction.atomic
def _seed_indicators() -> int:
    if Indicator.objects.filter(organisation__isnull=True, code=INDICATORS[0].code).exists():
        return 0
    codes = list(geography.area_communes(f"departement:{DEPARTEMENT}"))
    created: dict[str, Indicator] = {}
    count = 0
    for spec in INDICATORS:
        indicator = Indicator.objects.create(
            organisation=None,
            code=spec.code,
            name=spec.name,
            theme=spec.theme,
            unit=spec.unit,
            source=DEMO_SOURCE + spec.model,
            definition="Chiffres fictifs générés pour la démonstration : ne pas citer.",
            aggregation=Aggregation.SUM if spec.kind == "count" else Aggregation.WEIGHTED,
            weight=created.get(spec.weight),
            is_demo=True,
        )
        created[spec.code] = indicator
        rows = _values(spec, indicator, codes)
        IndicatorValue.objects.bulk_create(rows, batch_size=5000)
        count += len(rows)
    for indicator in created.values():
        rollup(indicator)
    return count


def _manager(organisation: Organisation) -> Membership | None:
    return (
        Membership.objects.active()
        .filter(organisation=organisation, role=Role.MANAGER)
        .select_related("user", "organisation")
        .first()
    )


def seed_territory(organisations: dict[str, Organisation]) -> dict[str, int]:
    values = _seed_indicators()
    for organisation in organisations.values():
        manager = _manager(organisation)
        if manager is not None:
            services.pooling_agree(membership=manager)
    ccas = organisations.get("ccas")
    manager = _manager(ccas) if ccas else None
    if manager is None:
        return {"values": values}
    territory = Territory.objects.filter(organisation=ccas).first()
    if territory is None:
        territory = services.territory_create(
            membership=manager,
            name="Villeurbanne et l'Est lyonnais",
            areas_text="Villeurbanne, Vaulx-en-Velin, Bron, Vénissieux, Décines-Charpieu",
        )
    year = timezone.localdate().year
    if not NeedsAnalysis.objects.filter(organisation=ccas).exists():
        analysis = services.needs_analysis_create(
            membership=manager, territory=territory, year=year
        )
        services.needs_analysis_write(
            membership=manager,
            analysis=analysis,
            section="context",
            text=(
                "Mise à jour annuelle de l'analyse des besoins sociaux, centrée sur l'accès au "
                "logement et l'isolement des personnes âgées. Données de démonstration."
            ),
            expected_version=analysis.version,
        )
    if not WatchItem.objects.filter(organisation=ccas).exists():
        today = timezone.localdate()
        for days, title, source, theme, tags in (
            (
                12,
                "Revalorisation du RSA au 1er avril",
                "Légifrance",
                "income",
                ["rsa", "minima sociaux"],
            ),
            (
                40,
                "Nouveau schéma départemental de l'habitat et de l'hébergement",
                "Métropole de Lyon",
                "housing",
                ["hébergement", "logement"],
            ),
            (
                75,
                "Baromètre de l'isolement des personnes âgées",
                "Petits Frères des Pauvres",
                "elderly",
                ["isolement"],
            ),
        ):
            services.watch_item_create(
                membership=manager,
                published_on=today - dt.timedelta(days=days),
                title=title,
                source=source,
                theme=theme,
                tags=tags,
                territory=territory,
                summary="Entrée de démonstration.",
            )
    return {"values": values}
