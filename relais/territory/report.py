"""The analyse des besoins sociaux (ABS, décret 2016-824): its sections in the order a CCAS
board expects, each with the tables and charts Relais computes and the narrative the team
writes; as a PDF (WeasyPrint, charts as SVG, sources listed) and as an XLSX of its tables
(`report_xlsx`)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from relais.core import disclosure
from relais.core.pdf import render_pdf
from relais.network.directory.models import Service
from relais.network.directory.thematiques import label as thematique_label
from relais.territory import charts, geography
from relais.territory.gaps import GapAnalysis, gap_analysis, gap_rows
from relais.territory.models import NeedsAnalysis, Theme, WatchItem
from relais.territory.needs import NeedsFigures, ObservedNeeds, disclosed, observed_needs
from relais.territory.portrait import Portrait, build_portrait, format_value

SECTIONS = {
    "context": "Contexte et méthode",
    "portrait": "Portrait du territoire",
    "needs": "Besoins observés",
    "offer": "Offre et acteurs",
    "gaps": "Écarts entre besoins et offre",
    "problem": "Problématique",
    "proposals": "Propositions d'actions",
}
GUIDANCE = {
    "context": "Le cadre de l'analyse (initiale ou mise à jour thématique), le territoire, les sources, qui a contribué.",
    "portrait": "Ce que les indicateurs disent du territoire par rapport au département et à la France.",
    "needs": "Ce que les professionnels observent dans les diagnostics (chiffres agrégés, anonymisés).",
    "offer": "Les services et les acteurs qui répondent à ces besoins.",
    "gaps": "Où un besoin n'a pas de réponse à portée, où des offres se recouvrent.",
    "problem": "Les enjeux qui ressortent, hiérarchisés.",
    "proposals": "Les actions proposées au conseil d'administration, avec leurs porteurs et échéances.",
}


# A section's text cites a watch entry as « [veille 12] » (the watch page shows each entry's).
CITATION = re.compile(r"\[veille\s+(\d{1,9})\]", re.IGNORECASE)


def cited_watch(analysis: NeedsAnalysis) -> list[WatchItem]:
    """The watch entries the narratives cite, in order of first citation; only the
    organisation's own (a number of another organisation's entry cites nothing)."""
    numbers: list[int] = []
    for key in SECTIONS:
        for match in CITATION.finditer(analysis.narratives.get(key, "") or ""):
            number = int(match.group(1))
            if number not in numbers:
                numbers.append(number)
    if not numbers:
        return []
    found = WatchItem.objects.of_organisation(analysis.organisation_id).in_bulk(numbers)
    return [found[n] for n in numbers if n in found]


@dataclass
class ReportData:
    analysis: NeedsAnalysis
    portrait: Portrait
    needs: ObservedNeeds
    figures: NeedsFigures
    gaps: GapAnalysis
    services: int
    organisations: int
    watch: list[WatchItem]
    sources: list[str]
    cited: list[WatchItem] = field(default_factory=list)
    # (thématique label, services) for the directory's published services on the territory.
    offer_by_thematique: list[tuple[str, int]] = field(default_factory=list)
    # The actor map's « territoire » field for this territory (a département or communes).
    actor_map_query: str = ""


def report_data(analysis: NeedsAnalysis, *, radius_km: int = 10) -> ReportData:
    territory = analysis.territory
    # Every year-dependent part is the analysis year's: the portrait's years end with it, the
    # observed needs (and their five years' evolution) are of that calendar year, the watch
    # of that year and the one before. The directory has no history: its services are those
    # published on the day the document is produced (the PDF says so).
    portrait = build_portrait(territory, until=analysis.year)
    needs = observed_needs(
        territory, start=dt.date(analysis.year, 1, 1), end=dt.date(analysis.year, 12, 31)
    )
    gaps = gap_analysis(needs, radius_km=radius_km)
    communes = geography.communes_of(territory.areas)
    # Services recorded under an arrondissement (« Lyon 7e ») are the commune's offer.
    offer = Service.objects.published().filter(commune_code__in=geography.recorded_codes(communes))
    sources = sorted(
        {s.indicator.source for _t, series in portrait.themes for s in series if s.indicator.source}
    )
    cited = cited_watch(analysis)
    watch = list(
        WatchItem.objects.of_organisation(analysis.organisation_id)
        .filter(published_on__year__in=[analysis.year - 1, analysis.year])
        .exclude(pk__in=[w.pk for w in cited])[:30]
    )
    return ReportData(
        analysis=analysis,
        portrait=portrait,
        needs=needs,
        figures=disclosed(needs),
        gaps=gaps,
        services=offer.count(),
        organisations=offer.values("organisation_id").distinct().count(),
        watch=watch,
        sources=sources,
        cited=cited,
        offer_by_thematique=offer_by_thematique(offer),
        actor_map_query=actor_map_query(territory.areas),
    )


def offer_by_thematique(services) -> list[tuple[str, int]]:
    """Services per data·inclusion thématique (its first level: « logement-hebergement »
    for « logement-hebergement--etre-accompagne… »), most first; a service answering two
    thématiques counts in each."""
    counts: Counter = Counter()
    for thematiques in services.values_list("thematiques", flat=True):
        counts.update({t.split("--")[0] for t in thematiques or []})
    return sorted(
        ((thematique_label(t), n) for t, n in counts.items()), key=lambda r: (-r[1], r[0])
    )


ACTOR_MAP_FIELD_MAX = 2000  # the actor map's « territoire » field


def actor_map_query(areas: list[str]) -> str:
    """What to type in the actor map's « territoire » for these areas: the département when
    the territory is one; else its communes' codes, or, when they do not fit the field, its
    first département (the map then shows more than the territory)."""
    if len(areas) == 1 and geography.split_area(areas[0])[0] == "departement":
        return geography.split_area(areas[0])[1]
    communes = geography.communes_of(areas)
    text = ",".join(communes)
    if len(text) <= ACTOR_MAP_FIELD_MAX:
        return text
    table = geography.communes()
    return sorted({table[c].departement for c in communes if c in table})[0]


def actor_map_url(query: str) -> str:
    """The actor map of the territory, as an absolute address for the PDF (`RELAIS_BASE_URL`)."""
    return f"{settings.RELAIS_BASE_URL}{reverse('search:actor_map')}?" + urlencode(
        {"territoire": query}
    )


def needs_tables(data: ReportData) -> dict:
    """The observed needs' tables and chart as the web page, the PDF and the XLSX of the ABS
    show them: every figure from `needs.disclosed` (« < 5 », « s »), none recomputed."""
    figures = data.figures
    return {
        "needs_rows": [(label, n, b) for _k, label, n, b in figures.domains],
        "needs_chart": charts.figures_bar_chart(
            title="Personnes en difficulté importante ou bloquante, par domaine de vie",
            bars=[(label, n) for _k, label, n, _b in figures.domains],
            chart_id="abs-besoins-domaines",
        ),
        "commune_rows": [(name, n) for _c, name, n in figures.communes],
        "commune_total": figures.difficulty,
        "age_rows": figures.ages,
        "age_total": figures.persons,
        "scheme_rows": figures.schemes,
        "barrier_rows": figures.barriers,
        "evolution_rows": figures.evolution,
        "gap_rows": gap_rows(data.gaps, figures),
        "gap_chart": charts.gap_chart(data.gaps, chart_id="abs-offre-domaines"),
        "gap_map": charts.gap_map(data.gaps, chart_id="abs-carte-ecarts"),
        "legend": disclosure.SECONDARY_LEGEND,
    }


def portrait_tables(portrait: Portrait) -> list[dict]:
    """One table (and its chart) per indicator: rows are the areas, columns the years."""
    tables = []
    for theme, series_list in portrait.themes:
        for series in series_list:
            indicator = series.indicator
            rows = []
            chart_series = []
            for column in portrait.columns:
                cells = series.row(column.key)
                rows.append(
                    (
                        column.label,
                        [format_value(c, indicator) + ("" if c.complete else " *") for c in cells],
                    )
                )
                chart_series.append((column.label, [c.value for c in cells]))
            tables.append(
                {
                    "theme": Theme(theme).label,
                    "indicator": indicator,
                    "years": series.years,
                    "rows": rows,
                    "chart": charts.line_chart(
                        title=indicator.name + (f" ({indicator.unit})" if indicator.unit else ""),
                        years=series.years,
                        series=chart_series,
                        chart_id=f"indicateur-{indicator.pk}",
                    ),
                }
            )
    return tables


PDF_TEMPLATE = "territory/needs_analysis_pdf.html"


def needs_pdf(analysis: NeedsAnalysis) -> bytes:
    return render_pdf(PDF_TEMPLATE, pdf_context(analysis))


def pdf_context(analysis: NeedsAnalysis) -> dict:
    data = report_data(analysis)
    return {
        "data": data,
        "analysis": analysis,
        "sections": [
            (key, title, analysis.narratives.get(key, "")) for key, title in SECTIONS.items()
        ],
        "tables": portrait_tables(data.portrait),
        **needs_tables(data),
        "actor_map_url": actor_map_url(data.actor_map_query),
        "generated": timezone.localtime(),
        "areas": [geography.area_label(a) for a in analysis.territory.areas],
    }
