"""Importing a list of employers (CSV or XLSX): every row is checked with the rules of
`employer_create`, and the file is written in one transaction only if no row has an error —
otherwise nothing is written and every bad row is reported with its line number.

Encodings: UTF-8 (with or without BOM) or Windows-1252; anything else is refused with the
line of the first unreadable byte (`relais.network.directory.datainclusion.reading.decode`,
the directory's import rules). Columns are found by name, accents and case aside."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from relais.accounts.models import Membership, User
from relais.core.errors import PermissionDenied
from relais.core.text import fold
from relais.employment import policies
from relais.employment.models import Employer
from relais.employment.services import EmployerErrors, clean_employer, coordinates
from relais.network.directory.datainclusion.reading import decode
from relais.network.directory.datainclusion.report import ImportReport

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# column → accepted headings (folded)
COLUMNS = {
    "siret": ("siret",),
    "name": ("nom", "raison sociale", "enseigne", "employeur"),
    "naf_code": ("naf", "code naf", "code ape", "ape"),
    "size_band": ("effectif", "tranche effectif"),
    "address": ("adresse",),
    "commune_code": ("commune", "code commune", "code insee"),
    "constraints": ("contraintes",),
    "hiring_potential": ("potentiel", "potentiel de recrutement"),
    "social_clauses": ("clauses sociales",),
    "pmsmp_host": ("pmsmp", "accueil pmsmp", "immersion"),
    "tutor_available": ("tuteur", "tuteur disponible"),
}
REQUIRED = ("siret", "name", "naf_code")
YES = {"oui", "o", "yes", "1", "x", "vrai", "true"}
FIELD_NAMES = {
    "siret": "SIRET",
    "name": "nom",
    "naf_code": "NAF",
    "commune_code": "commune",
    "size_band": "effectif",
}


@dataclass
class EmployerImport:
    errors: list[str] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _rows(content: bytes, name: str, result: EmployerImport) -> list[tuple[int, list[str]]]:
    if content.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception:  # a damaged or non-XLSX zip: say so, never a 500
            result.errors.append(
                "Le classeur est illisible : enregistrez-le de nouveau au format XLSX."
            )
            return []
        return [
            (number, ["" if v is None else str(v).strip() for v in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    report = ImportReport()
    text = decode(content, name, report)
    if text is None:
        result.errors.extend(_problem(p) for p in report.errors)
        return []
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    return [
        (number, [cell.strip() for cell in row])
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
    ]


def _header(cells: list[str], result: EmployerImport) -> dict[str, int] | None:
    folded = [fold(c).replace("_", " ").strip() for c in cells]
    found = {}
    for column, names in COLUMNS.items():
        for index, heading in enumerate(folded):
            if heading in names:
                found[column] = index
                break
    missing = [FIELD_NAMES.get(c, c) for c in REQUIRED if c not in found]
    if missing:
        result.errors.append(
            "Ligne 1 : colonne(s) obligatoire(s) absente(s) : "
            + ", ".join(missing)
            + ". Colonnes attendues : siret, nom, naf (et, si besoin, effectif, adresse, "
            "commune, contraintes, potentiel, clauses sociales, pmsmp, tuteur)."
        )
        return None
    return found


def employer_import(
    *, membership: Membership, actor: User, content: bytes, filename: str
) -> EmployerImport:
    if not policies.can_import_employers(membership):
        raise PermissionDenied("Seuls les responsables importent des listes d'employeurs.")
    result = EmployerImport()
    if len(content) > MAX_BYTES:
        result.errors.append("Le fichier dépasse 5 Mo.")
        return result
    rows = [(n, cells) for n, cells in _rows(content, filename, result) if any(cells)]
    if not result.ok:
        return result
    if not rows:
        result.errors.append("Le fichier est vide.")
        return result
    header = _header(rows[0][1], result)
    if header is None:
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(f"{MAX_ROWS} employeurs au plus par fichier.")
        return result
    existing = set(
        Employer.objects.filter(organisation_id=membership.organisation_id).values_list(
            "siret", flat=True
        )
    )
    seen: dict[str, int] = {}
    to_create = []
    for number, cells in rows[1:]:
        values = {
            column: (cells[index] if index < len(cells) else "") for column, index in header.items()
        }
        for flag in ("social_clauses", "pmsmp_host", "tutor_available"):
            values[flag] = fold(values.get(flag, "")) in YES
        try:
            cleaned = clean_employer(values)
        except EmployerErrors as errors:
            for error in errors.errors:
                result.errors.append(f"Ligne {number} : {error.message}")
            continue
        siret = cleaned["siret"]
        if siret in existing:
            result.errors.append(f"Ligne {number} : le SIRET {siret} est déjà dans vos employeurs.")
            continue
        if siret in seen:
            result.errors.append(
                f"Ligne {number} : le SIRET {siret} figure déjà ligne {seen[siret]}."
            )
            continue
        seen[siret] = number
        latitude, longitude = coordinates(cleaned["commune_code"])
        to_create.append(
            Employer(
                organisation_id=membership.organisation_id,
                name_key=fold(cleaned["name"]),
                latitude=latitude,
                longitude=longitude,
                updated_by=actor,
                **cleaned,
            )
        )
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            Employer.objects.bulk_create(to_create, batch_size=500)
    except IntegrityError:
        result.errors.append(
            "Un autre import ou une saisie a créé l'un de ces employeurs entre-temps : rien n'a "
            "été enregistré, déposez le fichier de nouveau."
        )
        return result
    result.created = len(to_create)
    return result


def _problem(problem) -> str:
    return f"Ligne {problem.line} : {problem.message}" if problem.line else problem.message
