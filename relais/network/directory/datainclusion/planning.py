"""Second step of an import, which writes nothing either: `prepare_import` validates every
row (validation.py, then duplicates in the file, lengths, the structure a service belongs
to, what the importer may edit) and resolves each one to the record it creates or updates,
as an ImportPlan. Writing the plan, all or nothing, is
relais.network.directory.catalogue_import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from data_inclusion.schema import v1

from relais.accounts.models import Membership, Organisation
from relais.accounts.validators import normalise_siret
from relais.network.directory.datainclusion.checks import service_field_problems
from relais.network.directory.datainclusion.mapping import (
    V1_TO_ORGANISATION,
    V1_TO_SERVICE,
    length_problems,
    service_fields,
    structure_fields,
)
from relais.network.directory.datainclusion.reading import Row
from relais.network.directory.datainclusion.report import ImportReport
from relais.network.directory.datainclusion.schema import (
    SERVICE_LIST_FIELDS,
    SERVICE_REQUIRED,
    SOURCE,
    STRUCTURE_LIST_FIELDS,
    STRUCTURE_REQUIRED,
    relais_pk,
)
from relais.network.directory.datainclusion.validation import RowValidator
from relais.network.directory.models import Service


@dataclass
class StructurePlan:
    row: Row
    source: str
    identifier: str
    existing: Organisation | None
    fields: dict[str, Any]
    ignored_identity: bool = False  # on-platform organisation: name/SIRET/commune kept


@dataclass
class ServicePlan:
    row: Row
    source: str
    identifier: str
    existing: Service | None
    organisation: Organisation | None  # None: a structure created by this import
    structure_plan: StructurePlan | None
    fields: dict[str, Any]


@dataclass
class ImportPlan:
    structures: list[StructurePlan] = field(default_factory=list)
    services: list[ServicePlan] = field(default_factory=list)


def _key(data: dict[str, Any]) -> tuple[str, str] | None:
    """(source, id) of a row, when both are non-empty strings."""
    source, identifier = data.get("source"), data.get("id")
    if isinstance(source, str) and isinstance(identifier, str) and source and identifier:
        return source, identifier
    return None


def prepare_import(
    rows: Sequence[Row],
    report: ImportReport,
    *,
    membership: Membership | None,
    as_admin: bool = False,
) -> ImportPlan:
    """Validate every row and resolve it to what it creates or updates. Writes nothing."""
    validator = RowValidator(report, membership, as_admin)
    plan = ImportPlan()
    structure_rows = [r for r in rows if r.kind == "structure"]
    service_rows = [r for r in rows if r.kind == "service"]

    # Structures --------------------------------------------------------------------------
    checked_structures = [
        (row, *validator.check_row(row, v1.Structure, STRUCTURE_REQUIRED, STRUCTURE_LIST_FIELDS))
        for row in structure_rows
    ]
    known_orgs = _organisations_by_identity([k for _, d, _ in checked_structures if (k := _key(d))])
    sirets = [
        normalise_siret(d["siret"])
        for _, d, m in checked_structures
        if m is not None and d.get("siret")
    ]
    orgs_by_siret = (
        {o.siret: o for o in Organisation.objects.filter(siret__in=sirets)} if sirets else {}
    )
    seen_ids: dict[tuple[str, str], int] = {}
    seen_sirets: dict[str, int] = {}
    file_structures: dict[tuple[str, str], StructurePlan | None] = {}
    for row, data, model in checked_structures:
        key = _key(data)
        if key is not None:
            if key in seen_ids:
                report.error(
                    row.file,
                    row.line,
                    "id",
                    f"Identifiant « {key[1]} » en double dans le fichier (déjà ligne {seen_ids[key]}).",
                )
                continue
            seen_ids[key] = row.line
            file_structures[key] = None
        if model is None or key is None:
            continue
        fields = structure_fields(data, model)
        problems = length_problems(fields, Organisation, V1_TO_ORGANISATION)
        existing = known_orgs.get(key)
        if existing is None and relais_pk(*key) is not None:
            problems.append(("id", _reserved_source_message(key[1])))
        siret = fields["siret"]
        if siret:
            if siret in seen_sirets:
                problems.append(
                    ("siret", f"SIRET en double dans le fichier (déjà ligne {seen_sirets[siret]}).")
                )
            seen_sirets[siret] = row.line
            holder = orgs_by_siret.get(siret)
            if existing is None and holder is not None:
                existing = holder  # the same establishment, known under another identity
            elif holder is not None and holder.pk != existing.pk:
                problems.append(
                    (
                        "siret",
                        f"Ce SIRET est déjà celui de la structure « {holder.name} » dans Relais.",
                    )
                )
        if existing is not None and not validator.may_edit(existing):
            problems.append(
                (
                    "id",
                    f"Vous ne pouvez pas modifier la structure « {existing.name} » : seuls ses "
                    "responsables le peuvent.",
                )
            )
        if existing is None and not fields["commune_code"]:
            problems.append(
                (
                    "code_insee",
                    "Champ obligatoire pour ajouter une structure à l'annuaire de Relais.",
                )
            )
        for name, message in problems:
            report.error(row.file, row.line, name, message)
        if problems:
            continue
        structure = StructurePlan(row, key[0], key[1], existing, fields)
        if existing is not None and not existing.is_external:
            structure.ignored_identity = any(
                fields[f] != getattr(existing, f)
                for f in ("name", "siret", "commune_code")
                if fields[f]
            )
        file_structures[key] = structure
        plan.structures.append(structure)

    # Services ----------------------------------------------------------------------------
    checked_services = [
        (row, *validator.check_row(row, v1.Service, SERVICE_REQUIRED, SERVICE_LIST_FIELDS))
        for row in service_rows
    ]
    known_services = _services_by_identity([k for _, d, _ in checked_services if (k := _key(d))])
    structure_refs = {
        d["structure_id"] for _, d, _ in checked_services if isinstance(d.get("structure_id"), str)
    }
    orgs_by_id = _organisations_by_structure_id(structure_refs)
    file_structures_by_id: dict[str, list[tuple[str, str]]] = {}
    for source, identifier in file_structures:
        file_structures_by_id.setdefault(identifier, []).append((source, identifier))
    seen_ids = {}
    for row, data, model in checked_services:
        key = _key(data)
        if key is not None:
            if key in seen_ids:
                report.error(
                    row.file,
                    row.line,
                    "id",
                    f"Identifiant « {key[1]} » en double dans le fichier (déjà ligne {seen_ids[key]}).",
                )
                continue
            seen_ids[key] = row.line
        # The structure: one of the file (same source first), else one already in Relais.
        structure_id = data.get("structure_id")
        structure_plan = None
        organisation = None
        in_file = False
        if isinstance(structure_id, str) and structure_id and key is not None:
            candidates = file_structures_by_id.get(structure_id, [])
            if candidates:
                in_file = True
                chosen = (
                    (key[0], structure_id)
                    if (key[0], structure_id) in candidates
                    else candidates[0]
                )
                structure_plan = file_structures[chosen]
                organisation = structure_plan.existing if structure_plan else None
            else:
                organisation = orgs_by_id.get(structure_id)
            if not in_file and organisation is None:
                report.error(
                    row.file,
                    row.line,
                    "structure_id",
                    f"Structure « {structure_id} » inconnue : elle n'est ni dans le fichier des "
                    "structures ni dans l'annuaire de Relais.",
                )
                continue
        if model is None or key is None:
            continue
        if in_file and structure_plan is None:
            continue  # the structure's own row has errors, already reported
        fields = service_fields(data, model)
        problems = length_problems(fields, Service, V1_TO_SERVICE)
        problems += [
            (_service_problem_field(name), message)
            for name, message in service_field_problems(fields)
            if name not in {"zone_eligibilite", "latitude", "commune_code"}
        ]
        existing = known_services.get(key)
        if existing is None and relais_pk(*key) is not None:
            problems.append(("id", _reserved_source_message(key[1])))
        if (
            organisation is not None
            and structure_plan is None
            and not validator.may_edit(organisation)
        ):
            problems.append(
                (
                    "structure_id",
                    f"Vous ne pouvez pas ajouter ou modifier les services de « {organisation.name} » : "
                    "seuls ses responsables le peuvent.",
                )
            )
        if existing is not None and not validator.may_edit(existing.organisation):
            problems.append(
                (
                    "id",
                    f"Ce service appartient à « {existing.organisation.name} », que vous ne pouvez "
                    "pas modifier.",
                )
            )
        for name, message in problems:
            report.error(row.file, row.line, name, message)
        if problems:
            continue
        plan.services.append(
            ServicePlan(row, key[0], key[1], existing, organisation, structure_plan, fields)
        )
    report.errors.sort(key=lambda p: (p.file, p.line or 0))
    return plan


def _service_problem_field(name: str) -> str:
    return {
        "name": "nom",
        "publics": "publics",
        "frais": "frais",
        "postal_code": "code_postal",
        "phone": "telephone",
    }.get(name, name)


def _reserved_source_message(identifier: str) -> str:
    return (
        f"L'identifiant « {identifier} » désigne une fiche créée dans Relais qui n'existe pas "
        f"ici : la source « {SOURCE} » est réservée à ces fiches. Pour ajouter une nouvelle "
        "fiche, utilisez une autre source (le nom de votre outil, par exemple)."
    )


def _organisations_by_identity(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Organisation]:
    if not keys:
        return {}
    found: dict[tuple[str, str], Organisation] = {}
    wanted = set(keys)
    for organisation in Organisation.objects.filter(
        source__in={k[0] for k in keys}, source_id__in={k[1] for k in keys}
    ):
        key = (organisation.source, organisation.source_id)
        if key in wanted:
            found[key] = organisation
    pks = {pk: key for key in keys if (pk := relais_pk(*key)) is not None and key not in found}
    for organisation in Organisation.objects.filter(pk__in=pks, source=""):
        found[pks[organisation.pk]] = organisation
    return found


def _services_by_identity(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Service]:
    if not keys:
        return {}
    found: dict[tuple[str, str], Service] = {}
    wanted = set(keys)
    queryset = Service.objects.select_related("organisation")
    for service in queryset.filter(
        source__in={k[0] for k in keys}, source_id__in={k[1] for k in keys}
    ):
        key = (service.source, service.source_id)
        if key in wanted:
            found[key] = service
    pks = {pk: key for key in keys if (pk := relais_pk(*key)) is not None and key not in found}
    for service in queryset.filter(pk__in=pks, source=""):
        found[pks[service.pk]] = service
    return found


def _organisations_by_structure_id(identifiers: set[str]) -> dict[str, Organisation]:
    """A service's structure_id names a structure by its id alone (its source is implied)."""
    if not identifiers:
        return {}
    found = {
        o.source_id: o
        for o in Organisation.objects.filter(source_id__in=identifiers).exclude(source="")
    }
    pks = {}
    for identifier in identifiers - set(found):
        pk = relais_pk(SOURCE, identifier)
        if pk is not None:
            pks[pk] = identifier
    for organisation in Organisation.objects.filter(pk__in=pks, source=""):
        found[pks[organisation.pk]] = organisation
    return found
