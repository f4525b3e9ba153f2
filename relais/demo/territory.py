"""Demo data of the territory module: the CCAS's territory (Villeurbanne and the east of
Lyon), a small catalogue of indicators with plausible, generated figures for every commune
of the Rhône — labelled as demo figures everywhere they show —, a small labour-market file in
the shape of France Travail's « Besoins en main-d'œuvre » (demo figures too), the pooling
agreements, an ABS under way and a few watch entries. Idempotent."""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, Role
from relais.territory import geography, labour, services, watch
from relais.territory.models import (
    Aggregation,
    Indicator,
    IndicatorValue,
    LabourDataset,
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


LABOUR_TITLE = "Besoins en main-d'œuvre — démonstration"
LABOUR_SOURCE = DEMO_SOURCE + "France Travail, enquête « Besoins en main-d'œuvre »"
# (ROME code, label, recruitment projects in the Rhône, share judged difficult, seasonal share)
LABOUR_TRADES = (
    ("J1501", "Aides-soignants", 2300, 0.78, 0.10),
    ("K1302", "Aides à domicile et aides ménagères", 2600, 0.81, 0.05),
    ("K2204", "Agents d'entretien de locaux", 3900, 0.52, 0.12),
    ("G1602", "Cuisiniers", 1800, 0.70, 0.35),
    ("G1803", "Serveurs de cafés et de restaurants", 2900, 0.62, 0.45),
    ("N1103", "Ouvriers du magasinage et de la préparation de commandes", 2700, 0.38, 0.20),
    ("N4105", "Conducteurs livreurs sur courte distance", 1100, 0.61, 0.08),
    ("F1703", "Maçons", 900, 0.83, 0.04),
    ("F1602", "Électriciens du bâtiment", 700, 0.79, 0.03),
    ("J1506", "Infirmiers", 1500, 0.74, 0.06),
    ("D1507", "Employés de libre-service", 1700, 0.33, 0.30),
    ("H2913", "Soudeurs", 300, 0.86, 0.02),
    ("I1304", "Techniciens de maintenance industrielle", 450, 0.80, 0.02),
    ("M1607", "Secrétaires", 600, 0.28, 0.05),
)
# Areas as BMO names them: files by département use the département's number.
LABOUR_AREAS = (("69", "Rhône", 1.0), ("01", "Ain", 0.22))


def _seed_labour(manager: Membership) -> int:
    """A small labour-market file, generated and labelled as demo figures, imported through
    the service as a user's file would be (so that the basin page has something to show)."""
    organisation_id = manager.organisation_id
    if LabourDataset.objects.filter(organisation_id=organisation_id, title=LABOUR_TITLE).exists():
        return 0
    rng = random.Random(69)  # noqa: S311 (demo figures, reproducible)
    year = timezone.localdate().year
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bmo-demo.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(
                [
                    "code_rome",
                    "libelle_metier",
                    "BE23",
                    "NOMBE23",
                    "met",
                    "xmet",
                    "smet",
                    "demandeurs",
                ]
            )
            for code, label, projects, difficult, seasonal in LABOUR_TRADES:
                for area, name, scale in LABOUR_AREAS:
                    met = round(projects * scale * rng.uniform(0.85, 1.15))
                    writer.writerow(
                        [
                            code,
                            label,
                            area,
                            name,
                            met,
                            round(met * difficult),
                            round(met * seasonal),
                            round(met * rng.uniform(0.6, 2.8)),
                        ]
                    )
        dataset = labour.labour_import(
            membership=manager,
            title=LABOUR_TITLE,
            source=LABOUR_SOURCE,
            year=year,
            path=path,
            name=path.name,
            size=path.stat().st_size,
        )
    return dataset.rows


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
    _seed_labour(manager)
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
            watch.watch_item_create(
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
