"""The ABS's tables as an XLSX (openpyxl): the figures of the page and the PDF
(`report.report_data`, `report.needs_tables`), one sheet per table, and the watch entries
the narratives cite.

A figure the page hides is written as the page writes it — « < 5 », « s » (observed needs,
decision 0049), « nd » (indicator not available or under secret statistique) — as text, never
as an empty cell that a reader would take for a zero or a slip; the figures shown are numbers.
Every text that comes from a user or a file goes through `neutralise` (no formula runs)."""

from __future__ import annotations

import io

from relais.core import disclosure
from relais.core.cells import neutralise
from relais.territory.models import NeedsAnalysis, Theme, WatchItem
from relais.territory.portrait import NOT_AVAILABLE, Cell
from relais.territory.report import ReportData, needs_tables, report_data

NOT_AVAILABLE_LEGEND = f"{NOT_AVAILABLE} : donnée non disponible ou soumise au secret statistique"


def figure_cell(figure: disclosure.Figure) -> int | str:
    """A count as the page shows it: the number, or its marker as text."""
    if figure.suppressed or figure.value is None:
        return str(figure)
    return figure.value


def needs_xlsx(analysis: NeedsAnalysis) -> bytes:
    from openpyxl import Workbook

    data = report_data(analysis)
    tables = needs_tables(data)
    book = Workbook()
    _portrait_sheet(book.active, data)
    legend = tables["legend"]
    _counts_sheet(
        book,
        "Besoins observés",
        ["Domaine de vie", "Personnes en difficulté importante ou bloquante", "dont bloquante"],
        [[neutralise(label), n, b] for label, n, b in tables["needs_rows"]],
        legend,
    )
    for title, header, rows, total in (
        (
            "Par commune",
            ["Commune", "Personnes en difficulté importante ou bloquante"],
            tables["commune_rows"],
            tables["commune_total"],
        ),
        (
            "Par âge",
            ["Tranche d'âge", "Personnes diagnostiquées"],
            tables["age_rows"],
            tables["age_total"],
        ),
        ("Par dispositif", ["Dispositif", "Personnes diagnostiquées"], tables["scheme_rows"], None),
        (
            "Freins",
            ["Frein (domaines en difficulté importante ou bloquante)", "Personnes"],
            tables["barrier_rows"],
            None,
        ),
    ):
        lines = [[neutralise(label), n] for label, n in rows]
        if total is not None:
            lines.append(["Total", total])
        _counts_sheet(book, title, header, lines, legend)
    _counts_sheet(
        book,
        "Par année",
        [
            "Année",
            "Personnes en difficulté importante ou bloquante",
            "Diagnostics urgents ou immédiats",
        ],
        [[year, p, u] for year, p, u in tables["evolution_rows"]],
        legend,
    )
    offer = book.create_sheet("Offre par thématique")
    offer.append(["Thématique", "Services publiés sur le territoire"])
    for label, n in data.offer_by_thematique:
        offer.append([neutralise(label), n])
    gaps = _counts_sheet(
        book,
        "Écarts",
        ["Domaine de vie", "Personnes", "Services à portée", "Communes sans service à portée"],
        [
            [neutralise(label), persons, services]
            for label, persons, services, _c in tables["gap_rows"]
        ],
        legend,
        hidden=[
            n for *_r, communes in tables["gap_rows"] for _name, n in communes if n is not None
        ],
    )
    for row, (*_r, communes) in enumerate(tables["gap_rows"], start=2):
        gaps.cell(row=row, column=4).value = neutralise(
            ", ".join(name if n is None else f"{name} ({n})" for name, n in communes) or "aucune"
        )
    redundant = book.create_sheet("Offres redondantes")
    redundant.append(["Thématique", "Publics", "Commune", "Services"])
    for r in data.gaps.redundancies:
        redundant.append(
            [neutralise(v) for v in (r.thematique, r.publics, r.commune, " ; ".join(r.services))]
        )
    _watch_sheet(book.create_sheet("Veille citée"), data.cited)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _portrait_sheet(sheet, data: ReportData) -> None:
    sheet.title = "Portrait"
    years = data.portrait.years
    sheet.append(["Thème", "Indicateur", "Unité", "Source", "Territoire", *years, "Incomplet"])
    missing = False
    for theme, series_list in data.portrait.themes:
        for series in series_list:
            indicator = series.indicator
            for column in data.portrait.columns:
                by_year = dict(zip(series.years, series.row(column.key), strict=True))
                cells = [by_year.get(y, Cell(None)) for y in years]
                missing = missing or any(c.missing for c in cells)
                sheet.append(
                    [
                        *(
                            neutralise(v)
                            for v in (
                                Theme(theme).label,
                                indicator.name,
                                indicator.unit,
                                indicator.source,
                                column.label,
                            )
                        ),
                        *(NOT_AVAILABLE if c.missing else c.value for c in cells),
                        ", ".join(str(y) for y, c in by_year.items() if not c.complete),
                    ]
                )
    if missing:
        sheet.append([])
        sheet.append([NOT_AVAILABLE_LEGEND])


def _counts_sheet(book, title: str, header: list[str], rows: list[list], legend: str, hidden=()):
    """A sheet of counts (`disclosure.Figure` written by `figure_cell`), with the legend of the
    markers when one of its figures (or of `hidden`, figures written inside a text) is hidden."""
    sheet = book.create_sheet(title)
    sheet.append(header)
    figures = [*hidden]
    for row in rows:
        figures += [v for v in row if isinstance(v, disclosure.Figure)]
        sheet.append([figure_cell(v) if isinstance(v, disclosure.Figure) else v for v in row])
    if any(f.suppressed for f in figures):
        sheet.append([])
        sheet.append([f"{disclosure.SUPPRESSED_LABEL} : effectif de 1 à 4 personnes ; {legend}"])
    return sheet


def _watch_sheet(sheet, cited: list[WatchItem]) -> None:
    """The watch entries the narratives cite, as the PDF lists them (`report.cited_watch`)."""
    sheet.append(["Référence", "Date", "Titre", "Source", "Lien", "Résumé"])
    for item in cited:
        sheet.append(
            [
                f"[veille {item.pk}]",
                item.published_on,
                *(neutralise(v) for v in (item.title, item.source, item.url, item.summary)),
            ]
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = "DD/MM/YYYY"
    if not cited:
        sheet.append(["Aucune entrée de la veille n'est citée dans l'analyse."])
