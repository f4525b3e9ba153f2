"""The ABS of a given year, its barriers table, and what its PDF and XLSX carry: that year's
figures only, hidden figures written as the page writes them, the watch entries cited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from openpyxl import load_workbook

from relais.territory.needs import disclosed, observed_needs
from relais.territory.report import (
    PDF_TEMPLATE,
    needs_pdf,
    needs_tables,
    pdf_context,
    portrait_tables,
    report_data,
)
from relais.territory.report_xlsx import needs_xlsx
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.network.directory import ServiceFactory
from tests.factories.people import PersonFactory
from tests.factories.territory import (
    LYON,
    VILLEURBANNE,
    IndicatorFactory,
    IndicatorValueFactory,
    NeedsAnalysisFactory,
    PoolingAgreementFactory,
    WatchItemFactory,
)
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db

ROOFLESS = "FT24"  # « Sans hébergement / rupture effective de logement »
RENT = "FT26"  # « Difficulté à payer le loyer »


def diagnose(organisation, n, *, year, commune=VILLEURBANNE, barriers=(ROOFLESS,)):
    for _ in range(n):
        person = PersonFactory(organisation=organisation, commune_code=commune)
        diagnostic = DiagnosticFactory(person=person, assessed_on=dt.date(year, 6, 1))
        DomainAssessmentFactory(
            diagnostic=diagnostic, domain="housing", difficulty=2, barriers=list(barriers)
        )


def cells(book) -> list:
    return [v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]


@pytest.fixture
def years_2023_to_2026(organisation):
    """An indicator known for 2023 to 2026, and persons diagnosed in 2024 and in 2026."""
    PoolingAgreementFactory(organisation=organisation)
    indicator = IndicatorFactory(organisation=organisation, name="Population", source="INSEE, RP")
    for year, value in ((2023, 1100), (2024, 1200), (2025, 1900), (2026, 1700)):
        IndicatorValueFactory(indicator=indicator, geo_code=LYON, year=year, value=value)
        IndicatorValueFactory(indicator=indicator, geo_code=VILLEURBANNE, year=year, value=value)
    diagnose(organisation, 6, year=2024)
    diagnose(organisation, 7, year=2026, commune=LYON)
    return indicator


def test_an_abs_of_a_past_year_shows_that_years_figures(organisation, years_2023_to_2026):
    """An ABS of 2024 produced again in 2026 shows the figures up to 2024: in its data, its
    page's tables, its PDF and its XLSX; the portrait page itself keeps the latest years."""
    from relais.territory.portrait import build_portrait

    analysis = NeedsAnalysisFactory(territory__organisation=organisation, year=2024)
    data = report_data(analysis)
    assert data.portrait.years == [2023, 2024]
    values = {
        c.value
        for _t, series in data.portrait.themes
        for s in series
        for r in s.cells.values()
        for c in r.values()
    }
    assert values == {2200, 2400}  # Lyon and Villeurbanne added up, in every column
    assert [t["years"] for t in portrait_tables(data.portrait)] == [[2023, 2024]]
    # Observed needs of 2024 only, their evolution ending in 2024.
    assert (data.needs.start, data.needs.end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert data.needs.persons == 6
    assert [y for y, _p, _u in data.needs.evolution] == [2020, 2021, 2022, 2023, 2024]
    assert build_portrait(analysis.territory).years == [2023, 2024, 2025, 2026]

    html = render_to_string(PDF_TEMPLATE, pdf_context(analysis))
    assert '<th scope="col">2024</th>' in html
    assert '<th scope="col">2025</th>' not in html and '<th scope="col">2026</th>' not in html
    text = pdf_text(needs_pdf(analysis))
    assert "2 400" in text
    assert "3 800" not in text and "3 400" not in text

    book = load_workbook(io.BytesIO(needs_xlsx(analysis)))
    header = next(book["Portrait"].iter_rows(values_only=True))
    assert header[5:] == (2023, 2024, "Incomplet")
    found = cells(book)
    assert 2400 in found and 3800 not in found and 3400 not in found
    assert 2025 not in found and 2026 not in found
    assert [r[0] for r in book["Par année"].iter_rows(min_row=2, values_only=True)] == [
        2020,
        2021,
        2022,
        2023,
        2024,
    ]


def test_barriers_in_the_abs_with_the_needs_pages_suppression(organisation, referent_client):
    """Freins: 6 persons without a roof, 2 of them also behind with their rent (« < 5 »): the
    same figures as the needs page and the API (`needs.disclosed`), on the ABS page, in its
    PDF and its XLSX."""
    from django.urls import reverse

    from relais.diagnostics.domains import barrier_label

    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 4, year=2026)
    diagnose(organisation, 2, year=2026, barriers=(ROOFLESS, RENT))
    analysis = NeedsAnalysisFactory(territory__organisation=organisation, year=2026)
    expected = [(barrier_label(ROOFLESS), "6"), (barrier_label(RENT), "< 5")]
    needs = observed_needs(analysis.territory, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert [(label, str(n)) for label, n in disclosed(needs).barriers] == expected
    tables = needs_tables(report_data(analysis))
    assert [(label, str(n)) for label, n in tables["barrier_rows"]] == expected

    page = referent_client.get(reverse("territory:analysis", args=[analysis.pk]))
    html = page.content.decode()
    table = html[html.index('data-testid="abs-barriers"') :]
    assert f'<th scope="row">{barrier_label(RENT)}</th><td>&lt; 5</td>' in table
    assert f'<th scope="row">{barrier_label(ROOFLESS)}</th><td>6</td>' in table

    text = pdf_text(needs_pdf(analysis))
    assert "Freins les plus fréquents" in text
    assert f"{barrier_label(RENT)} < 5" in text

    book = load_workbook(io.BytesIO(needs_xlsx(analysis)))
    rows = list(book["Freins"].iter_rows(values_only=True))
    assert rows[1:3] == [(barrier_label(ROOFLESS), 6), (barrier_label(RENT), "< 5")]
    assert "< 5 : effectif de 1 à 4 personnes" in rows[-1][0]


def test_xlsx_writes_hidden_figures_as_the_page_does(organisation):
    """« < 5 », « s » and « nd » are text in their cells, never blank; shown figures are
    numbers. 6 persons in Villeurbanne (5 aged 26-49, one of 60), 5 in Lyon of whom 2 in
    housing: Lyon's 2 is « < 5 », Villeurbanne's 6 « s »; an indicator without a figure for
    Villeurbanne is « nd »."""
    PoolingAgreementFactory(organisation=organisation)
    for commune, age, housing in (
        [(VILLEURBANNE, 30, True)] * 5
        + [(VILLEURBANNE, 60, True)]
        + [(LYON, 40, True)] * 2
        + [(LYON, 40, False)] * 3
    ):
        person = PersonFactory(
            organisation=organisation, commune_code=commune, birth_date=dt.date(2026 - age, 1, 1)
        )
        diagnostic = DiagnosticFactory(person=person, assessed_on=dt.date(2026, 3, 1))
        if housing:
            DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", difficulty=2)
    ServiceFactory(commune_code=LYON)
    indicator = IndicatorFactory(organisation=organisation, name="Taux de pauvreté", rate=True)
    for code in (LYON, VILLEURBANNE):
        IndicatorValueFactory(indicator=indicator, geo_code=code, year=2022, value=None, marker="s")
    IndicatorValueFactory(indicator=indicator, geo_code=VILLEURBANNE, year=2023, value=12.5)
    analysis = NeedsAnalysisFactory(territory__organisation=organisation, year=2026)
    book = load_workbook(io.BytesIO(needs_xlsx(analysis)))

    communes = {r[0]: r[1] for r in book["Par commune"].iter_rows(min_row=2, values_only=True)}
    assert communes["Villeurbanne"] == "s" and communes["Lyon"] == "< 5"
    assert communes["Total"] == 8
    ages = {r[0]: r[1] for r in book["Par âge"].iter_rows(min_row=2, values_only=True)}
    assert ages["26 à 49 ans"] == "s" and ages["50 ans et plus"] == "< 5"
    assert ages["moins de 26 ans"] == 0 and ages["Total"] == 11
    gaps = list(book["Écarts"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert gaps == [("Logement et hébergement", 8, 0, "Villeurbanne (s), Lyon (< 5)")]
    assert (
        "masqué pour protéger un petit effectif"
        in list(book["Par commune"].iter_rows(values_only=True))[-1][0]
    )
    portrait = list(book["Portrait"].iter_rows(values_only=True))
    rows = [r[5:7] for r in portrait if r[1] == "Taux de pauvreté"]
    assert rows and all(r[0] == "nd" and r[1] == 12.5 for r in rows)
    assert portrait[-1][0].startswith("nd : donnée non disponible")
    assert None not in [
        v for r in book["Besoins observés"].iter_rows(max_row=2, values_only=True) for v in r
    ]


def test_xlsx_lists_the_cited_watch_entries(organisation):
    cited = WatchItemFactory(
        organisation=organisation,
        title="=Schéma départemental d'insertion",
        source="Département du Rhône",
        url="https://www.rhone.fr/schema",
        published_on=dt.date(2026, 3, 2),
    )
    WatchItemFactory(organisation=organisation, title="Non citée")
    analysis = NeedsAnalysisFactory(
        territory__organisation=organisation,
        year=2026,
        narratives={"context": f"Voir [veille {cited.pk}]."},
    )
    book = load_workbook(io.BytesIO(needs_xlsx(analysis)))
    assert book.sheetnames[-1] == "Veille citée"
    rows = list(book["Veille citée"].iter_rows(values_only=True))
    assert rows[0] == ("Référence", "Date", "Titre", "Source", "Lien", "Résumé")
    assert rows[1][0] == f"[veille {cited.pk}]"
    assert rows[1][1].date() == dt.date(2026, 3, 2)
    assert rows[1][2:5] == (
        "'=Schéma départemental d'insertion",
        "Département du Rhône",
        "https://www.rhone.fr/schema",
    )
    assert len(rows) == 2
    none_cited = NeedsAnalysisFactory(territory__organisation=organisation, year=2025)
    book = load_workbook(io.BytesIO(needs_xlsx(none_cited)))
    assert list(book["Veille citée"].iter_rows(min_row=2, values_only=True)) == [
        ("Aucune entrée de la veille n'est citée dans l'analyse.", None, None, None, None, None)
    ]


def test_pdf_gaps_section_has_the_needs_pages_chart_and_map(organisation):
    from relais.territory import charts

    PoolingAgreementFactory(organisation=organisation)
    diagnose(organisation, 6, year=2026)
    ServiceFactory(commune_code=LYON, thematiques=["logement-hebergement"])
    analysis = NeedsAnalysisFactory(territory__organisation=organisation, year=2026)
    context = pdf_context(analysis)
    html = render_to_string(PDF_TEMPLATE, context)
    gaps = html[html.index("5. Écarts entre besoins et offre") : html.index("6. Problématique")]
    assert str(charts.gap_chart(context["data"].gaps)) in gaps
    assert "Services à 10 km, par domaine de vie" in gaps
    assert 'class="relais-territory-map"' in gaps and "<title>Villeurbanne" in gaps
