"""The ABS report: PDF (charts, tables, sources) and XLSX of its tables."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from relais.territory.report import PDF_TEMPLATE, needs_pdf, pdf_context, report_data
from relais.territory.report_xlsx import needs_xlsx
from tests.factories.territory import (
    IndicatorFactory,
    IndicatorValueFactory,
    NeedsAnalysisFactory,
    WatchItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysis(organisation):
    analysis = NeedsAnalysisFactory(
        territory__organisation=organisation,
        year=2026,
        narratives={"problem": "=Le logement d'abord"},
    )
    indicator = IndicatorFactory(organisation=organisation, name="Population", source="INSEE, RP")
    IndicatorValueFactory(indicator=indicator, year=2021, value=1000)
    WatchItemFactory(organisation=organisation, title="Revalorisation du RSA")
    return analysis


def test_report_data_lists_sources_and_watch(analysis):
    data = report_data(analysis)
    assert data.sources == ["INSEE, RP"]
    assert [w.title for w in data.watch] == ["Revalorisation du RSA"]


def test_pdf(analysis):
    import datetime as dt

    from relais.diagnostics.domains import barrier_label
    from relais.territory.report import SECTIONS
    from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
    from tests.factories.people import PersonFactory
    from tests.factories.territory import PoolingAgreementFactory
    from tests.pdfs import pdf_text

    PoolingAgreementFactory(organisation=analysis.organisation)
    for _ in range(6):
        person = PersonFactory(organisation=analysis.organisation, commune_code="69266")
        diagnostic = DiagnosticFactory(person=person, assessed_on=dt.date(2026, 5, 4))
        DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", barriers=["FT24"])
    watch = analysis.organisation.watch_items.get()
    analysis.narratives["context"] = f"Le département révise son schéma [veille {watch.pk}]."
    analysis.save()
    pdf = needs_pdf(analysis)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for number, title in enumerate(SECTIONS.values(), start=1):
        assert f"{number}. {title}" in text
    # A figure with its source and year: the population's table, its 2021 column.
    assert "Démographie — Population (personnes)" in text
    assert "Territoire 2021" in text and "1 000" in text
    assert "Source : INSEE, RP" in text
    # The barriers' table, and the watch entry the context cites (with its reference).
    barriers = text[text.index("Freins les plus fréquents") : text.index("Par année")]
    assert "Frein relevé dans les domaines en difficulté Personnes" in barriers
    assert f"{barrier_label('FT24')} 6" in barriers
    assert f"Le département révise son schéma [veille {watch.pk}]" in text
    assert f"Veille citée [veille {watch.pk}]" in text and "Revalorisation du RSA" in text


def test_xlsx_tables(analysis):
    book = load_workbook(io.BytesIO(needs_xlsx(analysis)))
    assert book.sheetnames == [
        "Portrait",
        "Besoins observés",
        "Par commune",
        "Par âge",
        "Par dispositif",
        "Freins",
        "Par année",
        "Offre par thématique",
        "Écarts",
        "Offres redondantes",
        "Veille citée",
    ]
    rows = list(book["Portrait"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Thème", "Indicateur", "Unité", "Source", "Territoire")
    assert rows[1][1] == "Population"
    assert rows[1][5:] == (1000, "2021")  # a number; incomplete: Villeurbanne has no figure


def test_xlsx_cells_that_would_run_are_neutralised(analysis):
    indicator = IndicatorFactory(organisation=analysis.organisation, name="=HYPERLINK(1)")
    IndicatorValueFactory(indicator=indicator, year=2021, value=1)
    book = load_workbook(io.BytesIO(needs_xlsx(analysis)))
    names = {row[1] for row in book["Portrait"].iter_rows(values_only=True)}
    assert "'=HYPERLINK(1)" in names


def test_narratives_cite_watch_entries_of_the_organisation_only(organisation):
    import datetime as dt

    old = WatchItemFactory(
        organisation=organisation, title="Schéma départemental", published_on=dt.date(2019, 3, 1)
    )
    recent = WatchItemFactory(organisation=organisation, title="Plan pauvreté")
    foreign = WatchItemFactory(title="Note d'une autre structure")
    analysis = NeedsAnalysisFactory(
        territory__organisation=organisation,
        year=2026,
        narratives={
            "context": f"Voir [veille {recent.pk}] et [Veille {old.pk}], puis [veille {recent.pk}].",
            "problem": f"[veille {foreign.pk}] [veille 999999]",
        },
    )
    data = report_data(analysis)
    # In order of first citation, each once; another organisation's entry cites nothing;
    # a cited entry older than the period is listed too, and not twice.
    assert data.cited == [recent, old]
    assert recent not in data.watch


def test_pdf_never_prints_a_small_number_of_persons(organisation):
    """The PDF printed the raw count of persons diagnosed; 3 persons in one commune are not a
    unit of their own (decision 0049) and no « 3 » may be printed."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from tests.factories.diagnostics import DiagnosticFactory
    from tests.factories.people import PersonFactory
    from tests.factories.territory import PoolingAgreementFactory

    today = timezone.localdate()
    analysis = NeedsAnalysisFactory(territory__organisation=organisation, year=today.year)
    PoolingAgreementFactory(organisation=organisation)
    for _ in range(3):
        person = PersonFactory(organisation=organisation, commune_code="69266")
        DiagnosticFactory(person=person, assessed_on=today)
    html = render_to_string(PDF_TEMPLATE, pdf_context(analysis))
    assert "3 personne(s) diagnostiquée(s)" not in html
    assert "0 personne(s) diagnostiquée(s)" in html


def _needs(organisation, year):
    """6 persons in Villeurbanne (housing, 5 aged 26-49 and one of 60), 5 in Lyon of whom 2
    in housing; one employment service on Lyon."""
    import datetime as dt

    from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
    from tests.factories.network.directory import ServiceFactory
    from tests.factories.people import PersonFactory
    from tests.factories.territory import PoolingAgreementFactory

    PoolingAgreementFactory(organisation=organisation)
    day = dt.date(year, 6, 1)
    for commune, age, housing in (
        [("69266", 30, True)] * 5
        + [("69266", 60, True)]
        + [("69123", 40, True)] * 2
        + [("69123", 40, False)] * 3
    ):
        person = PersonFactory(
            organisation=organisation,
            commune_code=commune,
            birth_date=dt.date(year - age - 1, 1, 1),
        )
        diagnostic = DiagnosticFactory(person=person, assessed_on=day)
        if housing:
            DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", difficulty=2)
    ServiceFactory(commune_code="69123")


def test_report_tables_of_the_needs_with_the_same_suppression(organisation):
    from django.template.loader import render_to_string

    from relais.territory.report import needs_tables

    analysis = NeedsAnalysisFactory(territory__organisation=organisation, year=2026)
    _needs(organisation, 2026)
    data = report_data(analysis)
    tables = needs_tables(data)
    assert {name: str(n) for name, n in tables["commune_rows"]} == {
        "Villeurbanne": "s",
        "Lyon": "< 5",
    }
    assert str(tables["commune_total"]) == "8"
    # 10 aged 26-49 hidden (« s ») to protect the lone 60-year-old, with the total shown.
    assert {label: str(n) for label, n in tables["age_rows"]} == {
        "moins de 26 ans": "0",
        "26 à 49 ans": "s",
        "50 ans et plus": "< 5",
    }
    assert str(tables["age_total"]) == "11"
    assert {y: str(p) for y, p, _u in tables["evolution_rows"]}[2026] == "8"
    [(label, persons, _services, communes)] = tables["gap_rows"]
    assert (label, str(persons)) == ("Logement et hébergement", "8")
    assert {name: str(c) for name, c in communes} == {"Villeurbanne": "s", "Lyon": "< 5"}
    assert "<svg" in tables["needs_chart"]
    html = render_to_string(PDF_TEMPLATE, pdf_context(analysis))
    for heading in ("Par commune de résidence", "Par tranche d'âge", "Par dispositif", "Par année"):
        assert heading in html
    assert "Villeurbanne (s)" in html and "masqué pour protéger un petit effectif" in html
    from django.urls import reverse

    from relais.network.directory.thematiques import label as thematique_label

    assert f'<th scope="row">{thematique_label("trouver-un-emploi")}</th><td>1</td>' in html
    assert f"{reverse('search:actor_map')}?territoire=69123%2C69266" in html


def test_offer_by_thematique_and_actor_map_of_the_territory(organisation):
    from relais.territory.report import actor_map_query
    from tests.factories.network.directory import ServiceFactory

    analysis = NeedsAnalysisFactory(territory__organisation=organisation, year=2026)
    ServiceFactory(commune_code="69123")
    ServiceFactory(commune_code="69266", thematiques=["logement-hebergement"])
    ServiceFactory(commune_code="13055")  # Marseille: not on the territory
    # Lyon 3e: an address in one of Lyon's arrondissements is Lyon's offer.
    ServiceFactory(commune_code="69383", thematiques=["logement-hebergement"])
    data = report_data(analysis)
    counts = dict(data.offer_by_thematique)
    assert sum(counts.values()) == 3 and len(counts) == 2
    assert data.actor_map_query == "69123,69266"
    assert actor_map_query(["departement:69"]) == "69"
    assert actor_map_query(["region:84"]) == "01"  # too many communes: the first département
    book = load_workbook(io.BytesIO(needs_xlsx(analysis)))
    assert sorted(
        r[1] for r in book["Offre par thématique"].iter_rows(min_row=2, values_only=True)
    ) == [1, 2]
