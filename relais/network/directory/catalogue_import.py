"""Importing data·inclusion files into the directory: read and check every row
(relais.network.directory.datainclusion: reading, validation, planning — nothing written),
then write the plan in one transaction, all or nothing. Idempotent on (source, id): the
same file imported again changes nothing. The import page and the `import_datainclusion`
command call `catalogue_import`."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from relais.accounts.models import Membership, Organisation, User
from relais.core.errors import DomainError
from relais.core.versioning import update_versioned
from relais.network.directory.datainclusion.planning import ImportPlan, prepare_import
from relais.network.directory.datainclusion.reading import ImportFile, read_files
from relais.network.directory.datainclusion.report import Counts, ImportReport
from relais.network.directory.datainclusion.schema import SOURCE, kind_from_networks
from relais.network.directory.indexing import create_index_rows, sync_index_rows
from relais.network.directory.models import Service
from relais.network.directory.services import DIRECTORY_FIELDS, IDENTITY_FIELDS, with_location

logger = logging.getLogger(__name__)


def catalogue_import(
    files: Sequence[ImportFile],
    *,
    actor: User | None,
    membership: Membership | None,
    as_admin: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Validate every row of the files, then write all of them in one transaction — or
    nothing at all when any row has an error. Idempotent on (source, id)."""
    report = ImportReport()
    rows = read_files(files, report)
    if not rows and report.ok:
        report.error(files[0].name if files else "", None, "", "Aucune ligne à importer.")
    plan = prepare_import(rows, report, membership=membership, as_admin=as_admin)
    if not report.ok or dry_run:
        return report
    try:
        _apply(plan, report, actor)
    except (DomainError, IntegrityError) as error:
        logger.warning("data·inclusion import refused by the database: %s", error)
        report.error(
            "",
            None,
            "",
            "L'import a été refusé par la base de données (une fiche a changé pendant "
            "l'import ?) : rien n'a été importé. Réessayez.",
        )
        report.structures = Counts()
        report.services = Counts()
    return report


@transaction.atomic
def _apply(plan: ImportPlan, report: ImportReport, actor: User | None) -> None:
    for structure in plan.structures:
        fields = structure.fields
        existing = structure.existing
        if existing is None:
            values = with_location({**fields})
            structure.existing = Organisation.objects.create(
                **values,
                kind=kind_from_networks(fields["networks"]),
                is_external=True,
                source=structure.source,
                source_id=structure.identifier,
                created_by=actor,
            )
            report.structures.created += 1
            continue
        allowed = DIRECTORY_FIELDS + (IDENTITY_FIELDS if existing.is_external else ())
        changes = {
            name: value
            for name, value in fields.items()
            if name in allowed
            and getattr(existing, name) != value
            and not (name in IDENTITY_FIELDS and not value)
        }
        if not existing.source and (structure.source, structure.identifier) != (
            SOURCE,
            f"{SOURCE}--{existing.pk}",
        ):
            # Matched by SIRET: remember the identity this file gives it.
            changes["source"], changes["source_id"] = structure.source, structure.identifier
        if structure.ignored_identity:
            report.notices.append(
                f"{structure.row.file}, ligne {structure.row.line} : « {existing.name} » est "
                "inscrite sur la plateforme ; son nom, son SIRET et sa commune restent ceux "
                "enregistrés par l'administration de la plateforme."
            )
        if changes:
            for name, value in changes.items():
                setattr(existing, name, value)
            existing.save()
            report.structures.updated += 1
        else:
            report.structures.unchanged += 1
    new_services: list[Service] = []
    for item in plan.services:
        organisation = item.organisation or (
            item.structure_plan.existing if item.structure_plan else None
        )
        values = dict(item.fields)
        existing = item.existing
        if existing is None:
            new_services.append(
                Service(
                    organisation=organisation,
                    source=item.source,
                    source_id=item.identifier,
                    updated_by=actor,
                    is_published=True,
                    **values,
                )
            )
            continue
        if existing.organisation_id != organisation.pk:
            values["organisation"] = organisation
        changes = {
            name: value
            for name, value in values.items()
            if (getattr(existing, name) if name != "organisation" else None) != value
        }
        if changes:
            update_versioned(
                existing, expected_version=existing.version, actor=actor, changes=changes
            )
            sync_index_rows(existing)
            report.services.updated += 1
        else:
            report.services.unchanged += 1
    # New services in bulk (a file may hold thousands), then their index rows.
    Service.objects.bulk_create(new_services, batch_size=500)
    create_index_rows(new_services)
    report.services.created += len(new_services)
