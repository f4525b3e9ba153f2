"""The ABS report: PDF (charts, tables, sources) and XLSX of its tables."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from relais.territory.report import PDF_TEMPLATE, needs_pdf, needs_xlsx, pdf_context, report_data
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
    pdf = needs_pdf(analysis)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000


def test_xlsx_tables(analysis):
    book = load_workbook(io.BytesIO(needs_xlsx(analysis)))
    assert book.sheetnames == ["Portrait", "Besoins observés", "Écarts", "Offres redondantes"]
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
