"""The employment basin: labour-market files by ROME code and area — France Travail's
« Besoins en main-d'œuvre » (BMO: recruitment projects, those judged difficult, seasonal
ones, by bassin d'emploi) and job seekers by ROME — imported all or nothing, and read as the
trades in tension of a territory.

Columns are found by their title (BMO's own `met`, `xmet`, `smet`, `BE23`… or plain French
titles), so a file downloaded as it is imports without a mapping step. The same reader as
the indicator files (`parsing`): Windows-1252 or UTF-8 with BOM, `;`, decimal commas,
« 12 345 », « s » / « nd » kept as missing. Every bad line is reported by number; nothing is
written if one is bad.

Shares are ratios of sums (difficult projects ÷ projects over the chosen areas), never an
average of the areas' shares. ROME codes are checked for their form (a letter A–N and four
digits): the project's referential (employment module) is a subset, so the page links the
codes it knows and shows the file's label for the others."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Sum

from relais.accounts.models import Membership
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import fold
from relais.territory import parsing
from relais.territory.models import LabourDataset, LabourFigure
from relais.territory.policies import can_manage_territory

MAX_FILE_BYTES = 20 * 1024 * 1024  # the national BMO file is about 5 MB
MAX_ERRORS = 200
ROME_RE = re.compile(r"^[A-N]\d{4}$")

# Column → accepted titles (folded: lower case, no accents, spaces and « _ » removed).
COLUMNS = {
    "rome": ("coderome", "rome", "romecode", "codemetierrome", "metierrome"),
    "rome_label": ("libellerome", "libellemetier", "metier", "nommetier", "intitulerome"),
    "area": ("be23", "be22", "be24", "codebassin", "bassin", "codebe", "codegeo", "zone", "code"),
    "area_label": ("nombe23", "nombe22", "nombe24", "nombassin", "libellebassin", "libellezone"),
    "projects": ("met", "projets", "projetsderecrutement", "projetsrecrutement"),
    "difficult": ("xmet", "projetsdifficiles", "difficiles", "recrutementsdifficiles"),
    "seasonal": ("smet", "projetssaisonniers", "saisonniers"),
    "job_seekers": ("defm", "demandeurs", "demandeursdemploi", "demandeursemploi", "deabc"),
}
REQUIRED = ("rome", "area")
FIGURES = ("projects", "difficult", "seasonal", "job_seekers")


def _key(title: str) -> str:
    return re.sub(r"[\s_'’\-.()]", "", fold(title or ""))


def find_columns(header: list[str]) -> dict[str, int]:
    """Which column holds what, by title; every missing required column is one error."""
    keys = [_key(h) for h in header]
    found: dict[str, int] = {}
    for name, titles in COLUMNS.items():
        for title in titles:
            if title in keys and keys.index(title) not in found.values():
                found[name] = keys.index(title)
                break
    missing = []
    if "rome" not in found:
        missing.append("le code ROME (colonne « code_rome »)")
    if "area" not in found:
        missing.append("la zone (colonne « BE23 », « code_bassin » ou « code_geo »)")
    if not any(f in found for f in FIGURES):
        missing.append(
            "au moins un chiffre (« met » ou « projets », « xmet » ou « difficiles », "
            "« smet » ou « saisonniers », « demandeurs »)"
        )
    if missing:
        raise DomainError(
            "Colonnes introuvables dans la ligne des titres : " + " ; ".join(missing) + ".",
            field="file",
        )
    return found


@dataclass(frozen=True)
class _Row:
    area_code: str
    area_label: str
    rome_code: str
    rome_label: str
    figures: dict[str, float | None]


def read_file(path: Path, name: str) -> tuple[list[_Row], list[str]]:
    """The clean rows, or the French errors by line (the first MAX_ERRORS, then a count)."""
    errors: list[str] = []
    error_count = 0
    rows: list[_Row] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        _encoding, _delimiter, lines = parsing.open_lines(path, name)
        columns: dict[str, int] | None = None
        for number, cells in lines:
            if columns is None:
                columns = find_columns([c.strip() for c in cells])
                continue
            if not any(c.strip() for c in cells):
                continue

            def cell(field: str, cells=cells, columns=columns) -> str:
                index = columns.get(field)
                return cells[index].strip() if index is not None and index < len(cells) else ""

            problems: list[str] = []
            rome = cell("rome").upper()
            area = cell("area").upper()
            if not rome:
                problems.append("code ROME manquant")
            elif not ROME_RE.match(rome):
                problems.append(
                    f"« {rome[:12]} » n'est pas un code ROME (une lettre et 4 chiffres)"
                )
            if not area:
                problems.append("zone manquante")
            elif len(area) > 12:
                problems.append(f"zone « {area[:20]} » trop longue (12 caractères au plus)")
            figures: dict[str, float | None] = {}
            for field in FIGURES:
                if field not in columns:
                    continue
                try:
                    value, _marker = parsing.parse_number(cell(field))
                except ValueError as error:
                    problems.append(f"{error} (colonne « {_title(field)} »)")
                    continue
                if value is not None and value < 0:
                    problems.append(f"{_title(field)} négatif")
                    continue
                figures[field] = value
            projects, difficult = figures.get("projects"), figures.get("difficult")
            if projects is not None and difficult is not None and difficult > projects:
                problems.append("plus de projets difficiles que de projets de recrutement")
            if rome and area and not problems:
                first = seen.get((area, rome))
                if first is not None:
                    problems.append(f"{rome} pour la zone {area} figure déjà ligne {first}")
                else:
                    seen[(area, rome)] = number
            if problems:
                error_count += 1
                if len(errors) < MAX_ERRORS:
                    errors.append(f"Ligne {number} : " + " ; ".join(problems) + ".")
                continue
            rows.append(
                _Row(area, cell("area_label")[:120], rome, cell("rome_label")[:200], figures)
            )
        if columns is None:
            errors.append("Le fichier est vide.")
    except parsing.FileUnreadable as error:
        errors.append(str(error))
    except DomainError as error:
        errors.append(error.message)
    if not errors and not rows:
        errors.append("Aucune ligne de chiffres sous la ligne des titres.")
    if error_count > len(errors):
        errors.append(f"… et {error_count - len(errors)} autres lignes en erreur.")
    return rows, errors


def _title(field: str) -> str:
    return {
        "projects": "projets de recrutement",
        "difficult": "projets difficiles",
        "seasonal": "projets saisonniers",
        "job_seekers": "demandeurs d'emploi",
    }[field]


class LabourFileErrors(DomainError):
    """The file was refused: `errors` lists every bad line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("Le fichier n'a pas été importé : " + errors[0], field="file")
        self.lines = errors


def labour_import(
    *,
    membership: Membership,
    title: str,
    source: str,
    year: int,
    path: Path,
    name: str,
    size: int,
) -> LabourDataset:
    """Read the whole file first; write only if every line is good, in one transaction."""
    if not can_manage_territory(membership):
        raise PermissionDenied("Seuls les responsables importent des données.")
    if not name.lower().endswith((".csv", ".txt", ".xlsx")):
        raise DomainError(
            "Déposez un fichier CSV (.csv, .txt) ou un classeur Excel (.xlsx).", field="file"
        )
    if size == 0:
        raise DomainError("Le fichier est vide.", field="file")
    if size > MAX_FILE_BYTES:
        raise DomainError(
            f"Le fichier dépasse {MAX_FILE_BYTES // (1024 * 1024)} Mo : gardez les bassins "
            "de votre région.",
            field="file",
        )
    if not 1990 <= year <= 2100:
        raise DomainError("Indiquez une année entre 1990 et 2100.", field="year")
    rows, errors = read_file(path, name)
    if errors:
        raise LabourFileErrors(errors)
    with transaction.atomic():
        dataset = LabourDataset.objects.create(
            organisation_id=membership.organisation_id,
            title=title.strip()[:200],
            source=source.strip()[:200],
            year=year,
            original_name=name[:255],
            rows=len(rows),
            created_by=membership.user,
        )
        LabourFigure.objects.bulk_create(
            (
                LabourFigure(
                    dataset=dataset,
                    area_code=r.area_code,
                    area_label=r.area_label,
                    rome_code=r.rome_code,
                    rome_label=r.rome_label,
                    **r.figures,
                )
                for r in rows
            ),
            batch_size=2000,
        )
    return dataset


@transaction.atomic
def labour_delete(*, membership: Membership, dataset: LabourDataset) -> None:
    if not can_manage_territory(membership) or dataset.organisation_id != (
        membership.organisation_id
    ):
        raise PermissionDenied("Seuls les responsables suppriment des données.")
    dataset.delete()


# --- Reading ---------------------------------------------------------------------------


def dataset_areas(dataset: LabourDataset) -> list[tuple[str, str]]:
    """(code, label) of the areas of a dataset, for the choice of the territory's basin."""
    return list(
        LabourFigure.objects.filter(dataset=dataset)
        .values_list("area_code", "area_label")
        .distinct()
        .order_by("area_code")
    )


def default_areas(dataset: LabourDataset, departements: set[str]) -> list[str]:
    """Without a choice: the areas named like a département of the territory (files by
    département), else nothing (a bassin is not a COG area: the user picks it)."""
    return [code for code, _label in dataset_areas(dataset) if code in departements]


@dataclass(frozen=True)
class Trade:
    rome_code: str
    rome_label: str
    projects: float | None
    difficult: float | None
    seasonal: float | None
    job_seekers: float | None

    @property
    def difficult_share(self) -> float | None:
        """Share of the projects judged difficult: a ratio of sums over the areas."""
        if self.projects and self.difficult is not None:
            return 100 * self.difficult / self.projects
        return None

    @property
    def seekers_per_project(self) -> float | None:
        if self.projects and self.job_seekers is not None:
            return self.job_seekers / self.projects
        return None


def trades_in_tension(dataset: LabourDataset, areas: list[str]) -> list[Trade]:
    """The trades of the chosen areas, added up per ROME code, those with the most projects
    judged difficult first. One grouped query."""
    rows = (
        LabourFigure.objects.filter(dataset=dataset, area_code__in=areas)
        .values("rome_code")
        .annotate(
            projects=Sum("projects"),
            difficult=Sum("difficult"),
            seasonal=Sum("seasonal"),
            job_seekers=Sum("job_seekers"),
        )
    )
    labels = dict(
        LabourFigure.objects.filter(dataset=dataset, area_code__in=areas)
        .exclude(rome_label="")
        .values_list("rome_code", "rome_label")
    )
    trades = [
        Trade(
            rome_code=r["rome_code"],
            rome_label=labels.get(r["rome_code"], ""),
            projects=r["projects"],
            difficult=r["difficult"],
            seasonal=r["seasonal"],
            job_seekers=r["job_seekers"],
        )
        for r in rows
    ]
    trades.sort(
        key=lambda t: (
            -(t.difficult or 0),
            -(t.difficult_share or 0),
            -(t.projects or 0),
            t.rome_code,
        )
    )
    return trades
