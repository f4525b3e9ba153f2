"""The files of the exports: the figures (CSV, XLSX), the activity report (PDF) and the
per-participant funder export (CSV, XLSX). Every cell goes through
`relais.core.cells.neutralise` (no formula can run where the file is opened)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from relais.core.cells import SafeWriter, neutralise
from relais.core.pdf import render_pdf
from relais.pathways.models import EXIT_FAMILY, ExitCategory, ExitFamily, Scheme
from relais.people.models import EducationLevel, Person, Resource, Sex
from relais.reporting.filters import ReportFilter
from relais.reporting.scope import overlaps
from relais.reporting.selectors import SectionTables

Progress = Callable[[int], None]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


# --- Figures ---------------------------------------------------------------------------


def figure_lines(sections: list[SectionTables]) -> Iterator[list[str]]:
    """One line per figure: section, indicator, row, column, value as shown."""
    yield ["Rubrique", "Indicateur", "Ligne", "Colonne", "Valeur"]
    for block in sections:
        for table in block.tables:
            for line in table.lines:
                for column, cell in zip(table.columns[1:], line.cells, strict=False):
                    yield [
                        block.section.title,
                        table.indicator.label,
                        line.label,
                        column,
                        cell.text,
                    ]


def figures_csv(sections: list[SectionTables], *, withheld: str = "") -> bytes:
    buffer = io.StringIO()
    writer = SafeWriter(buffer, delimiter=";")
    writer.writerows(figure_lines(sections))
    if withheld:  # fewer than 5 persons: no figure, and why
        writer.writerow(["", "", "", "", withheld])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def figures_xlsx(
    sections: list[SectionTables], *, title: str, described: str, withheld: str = ""
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Indicateurs"
    bold = Font(bold=True)
    sheet.append([neutralise(title)])
    sheet.append([neutralise(described)])
    sheet.append(["« < 5 » : effectif inférieur à 5, masqué (secret statistique)."])
    if withheld:  # fewer than 5 persons: no figure, and why
        sheet.append([neutralise(withheld)])
    for block in sections:
        sheet.append([])
        sheet.append([neutralise(block.section.title)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for table in block.tables:
            sheet.append([])
            sheet.append([neutralise(table.indicator.label)])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append([neutralise("Comment est-ce calculé ? " + table.indicator.definition)])
            sheet.append([neutralise(c) for c in table.columns])
            for line in table.lines:
                values = [c.value if c.value is not None else c.text for c in line.cells]
                sheet.append([neutralise(line.label), *(neutralise(v) for v in values)])
    sheet.column_dimensions["A"].width = 50
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def activity_pdf(sections: list[SectionTables], *, context: dict) -> bytes:
    return render_pdf("reporting/activity_pdf.html", {**context, "sections": sections})


# --- Participants (funder export) ------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False


# What PLIE and FSE+ operations ask of each participant: identification, the entry data
# used by the FSE+ common indicators (sex, age, education level, situation, place of
# residence), and the exit. Nothing else leaves Relais.
PARTICIPANT_COLUMNS = (
    Column("N° de dossier", "person_id"),
    Column("Nom de naissance", "person__birth_name"),
    Column("Nom d'usage", "person__usage_name"),
    Column("Prénoms", "person__first_names"),
    Column("Sexe", "person__sex", required=True),
    Column("Date de naissance", "person__birth_date", required=True),
    Column("Âge à l'entrée", "age"),
    Column("Commune de résidence (INSEE)", "person__commune_code", required=True),
    Column("Niveau de formation", "person__education_level", required=True),
    Column("Ressources à ce jour", "person__resources", required=True),
    Column("RQTH", "person__rqth"),
    Column("Dispositif", "scheme"),
    Column("Date d'entrée", "started_on", required=True),
    Column("Date de sortie", "exit__exited_on"),
    Column("Motif de sortie", "exit__category"),
    Column("Sortie dynamique", "dynamic"),
)
FIELDS = [
    c.field for c in PARTICIPANT_COLUMNS if c.field not in ("age", "dynamic", "person_id")
] + ["person_id", "id"]


def participants(organisation_id: int, flt: ReportFilter):
    """The pathways of the scheme in progress at some time in the period, as plain values
    (no instance: nothing is loaded but the exported fields)."""
    from relais.pathways.models import Pathway

    found = Pathway.objects.filter(
        organisation_id=organisation_id,
        scheme=flt.scheme,
        person__merged_into__isnull=True,
    ).filter(overlaps(flt.start, flt.end))
    persons = Person.objects.filter(organisation_id=organisation_id)
    if flt.referent_id:
        persons = persons.filter(referent_id=flt.referent_id)
    if flt.commune_code:
        persons = persons.filter(commune_code=flt.commune_code)
    born_from, born_until = flt.birth_date_range()
    if born_until:
        persons = persons.filter(birth_date__lte=born_until)
    if born_from:
        persons = persons.filter(birth_date__gte=born_from)
    return found.filter(person__in=persons.values("pk")).order_by("started_on", "id")


def _age(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _shown(column: Column, row: dict):
    value = row.get(column.field)
    if column.field == "age":
        return _age(row["person__birth_date"], row["started_on"])
    if column.field == "dynamic":
        category = row["exit__category"]
        if not category:
            return ""
        return "oui" if EXIT_FAMILY.get(category) == ExitFamily.DYNAMIC else "non"
    if column.field == "person__sex":
        return Sex(value).label if value else ""
    if column.field == "person__education_level":
        return EducationLevel(value).label if value else ""
    if column.field == "person__resources":
        return ", ".join(Resource(v).label for v in value or [] if v in Resource.values)
    if column.field == "person__rqth":
        return "oui" if value else "non"
    if column.field == "scheme":
        return Scheme(value).label
    if column.field == "exit__category":
        return ExitCategory(value).label if value else ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value


def participant_rows(
    organisation_id: int, flt: ReportFilter, *, progress: Progress
) -> tuple[list[list], list[dict]]:
    """The export's lines (header first) and the participants with missing funder
    fields: line number (in the file, header = line 1), file number, fields missing."""
    found = participants(organisation_id, flt)
    total = found.count() or 1
    lines: list[list] = [[c.header for c in PARTICIPANT_COLUMNS]]
    missing: list[dict] = []
    for index, row in enumerate(found.values(*FIELDS).iterator(chunk_size=2000), start=2):
        values = [_shown(c, row) for c in PARTICIPANT_COLUMNS]
        absent = [
            c.header
            for c, v in zip(PARTICIPANT_COLUMNS, values, strict=True)
            if c.required and v in ("", None)
        ]
        if absent:
            missing.append({"line": index, "person_id": row["person_id"], "fields": absent})
        lines.append(values)
        if index % 2000 == 0:
            progress(int(90 * index / total))
    return lines, missing


def missing_lines(missing: list[dict]) -> list[list]:
    return [
        ["Ligne", "N° de dossier", "Champs manquants"],
        *([m["line"], m["person_id"], ", ".join(m["fields"])] for m in missing),
    ]


def participants_csv(lines: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = SafeWriter(buffer, delimiter=";")
    writer.writerows(lines)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def participants_xlsx(lines: list[list], missing: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Participants")
    for line in lines:
        sheet.append([neutralise(v) for v in line])
    gaps = book.create_sheet("Champs manquants")
    for line in missing_lines(missing):
        gaps.append([neutralise(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
