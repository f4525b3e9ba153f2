"""Writes of the reporting module: asking for an export (one job per identical request
while it runs), running it as a background task that reports its progress, and deleting
the files when they have served."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from relais.accounts.models import Membership
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.reporting import exports, policies, selectors
from relais.reporting.filters import ReportFilter, Scope, check_whole_months
from relais.reporting.models import (
    EXPORT_KEPT_DAYS,
    EXPORT_TRANSITIONS,
    PARTICIPANT_KINDS,
    RUNNING_STATUSES,
    ExportKind,
    ExportStatus,
    ReportExport,
)

logger = logging.getLogger(__name__)


def filter_params(flt: ReportFilter) -> dict:
    return flt.params()


def filter_from(params: dict) -> ReportFilter:
    return ReportFilter.from_params(params)


def export_key(kind: str, scope: Scope, flt: ReportFilter) -> str:
    text = json.dumps([kind, str(scope), filter_params(flt)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def check_export(*, membership: Membership, kind: str, scope: Scope, flt: ReportFilter) -> None:
    if kind not in ExportKind.values:
        raise DomainError("Type d'export inconnu.", field="kind")
    policies.check_view(membership, scope)
    policies.check_referent_filter(membership, flt.referent_id)
    if kind not in PARTICIPANT_KINDS and policies.suppresses(scope):
        for error in check_whole_months(flt.start, flt.end):
            raise error  # refused when asked, not failed in the background
    if kind in PARTICIPANT_KINDS:
        if not policies.can_export_participants(membership) or scope != Scope.ORGANISATION:
            raise PermissionDenied(
                "L'export des participants est réservé aux responsables de la structure."
            )
        if not flt.scheme:
            raise DomainError(
                "Choisissez le dispositif dont exporter les participants.", field="scheme"
            )


@transaction.atomic
def export_request(
    *, membership: Membership, kind: str, scope: Scope, flt: ReportFilter
) -> tuple[ReportExport, bool]:
    """The export job, and whether it was created: the same export asked again by the
    same user while it is pending or running is the running job (the partial unique
    constraint `export_one_running` holds it against concurrent requests too)."""
    check_export(membership=membership, kind=kind, scope=scope, flt=flt)
    key = export_key(kind, scope, flt)
    running = ReportExport.objects.filter(
        organisation_id=membership.organisation_id,
        requested_by_id=membership.user_id,
        key=key,
        status__in=RUNNING_STATUSES,
    )
    found = running.first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            export = ReportExport.objects.create(
                organisation_id=membership.organisation_id,
                requested_by_id=membership.user_id,
                kind=kind,
                scope=str(scope),
                params=filter_params(flt),
                key=key,
            )
    except IntegrityError:
        return running.get(), False
    transaction.on_commit(lambda: export_run.enqueue(export_id=export.pk))
    return export, True


def _move(export_id: int, to: str, **changes) -> None:
    current = ReportExport.objects.filter(pk=export_id).values_list("status", flat=True).first()
    if current is None or to not in EXPORT_TRANSITIONS[current]:
        raise DomainError(f"Transition impossible de l'export : {current} → {to}.")
    ReportExport.objects.filter(pk=export_id).update(status=to, **changes)


@task()
def export_run(*, export_id: int) -> None:
    export = (
        ReportExport.objects.filter(pk=export_id, status=ExportStatus.PENDING)
        .select_related("organisation", "requested_by")
        .first()
    )
    if export is None:
        return
    _move(export_id, ExportStatus.RUNNING)

    def progress(percent: int) -> None:
        ReportExport.objects.filter(pk=export_id).update(progress=max(1, min(99, percent)))

    try:
        filename, content_type, content, rows, missing = _build(export, progress)
    except Exception as error:  # the job fails and says so; the request never did
        logger.exception("Export %s en échec", export_id)
        _move(
            export_id,
            ExportStatus.FAILED,
            error=f"L'export a échoué ({type(error).__name__}).",
            finished_at=timezone.now(),
        )
        return
    _move(
        export_id,
        ExportStatus.DONE,
        progress=100,
        filename=filename,
        content_type=content_type,
        content=content,
        row_count=rows,
        missing=missing,
        finished_at=timezone.now(),
    )


def _build(export: ReportExport, progress) -> tuple[str, str, bytes, int, list]:
    flt = filter_from(export.params)
    scope = Scope(export.scope)
    membership = Membership.objects.get(
        organisation_id=export.organisation_id, user_id=export.requested_by_id
    )
    stamp = f"{flt.start:%Y%m%d}-{flt.end:%Y%m%d}"
    if export.kind in PARTICIPANT_KINDS:
        lines, missing = exports.participant_rows(export.organisation_id, flt, progress=progress)
        journal.record(
            actor=export.requested_by,
            action=JournalAction.EXPORT,
            target=export,
            organisation=export.organisation_id,
            actor_organisation=export.organisation,
            summary=f"export des participants ({flt.scheme}) : {len(lines) - 1} ligne(s)",
        )
        if export.kind == ExportKind.PARTICIPANTS_CSV:
            content, kind = exports.participants_csv(lines), exports.CSV_TYPE
            name = f"participants-{flt.scheme}-{stamp}.csv"
        else:
            content, kind = exports.participants_xlsx(lines, missing), exports.XLSX_TYPE
            name = f"participants-{flt.scheme}-{stamp}.xlsx"
        return name, kind, content, len(lines) - 1, missing
    try:
        sections, withheld = (
            selectors.dashboard(membership, scope, flt, today=timezone.localdate()),
            "",
        )
    except selectors.TooFewPersons as error:
        sections, withheld = [], error.message  # the file says why it holds no figure
    progress(60)
    title = f"Relais — {export.organisation.name} — {scope.label}"
    if export.kind == ExportKind.FIGURES_CSV:
        content = exports.figures_csv(sections, withheld=withheld)
        return f"indicateurs-{stamp}.csv", exports.CSV_TYPE, content, 0, []
    if export.kind == ExportKind.FIGURES_XLSX:
        content = exports.figures_xlsx(
            sections, title=title, described=flt.describe(), withheld=withheld
        )
        return f"indicateurs-{stamp}.xlsx", exports.XLSX_TYPE, content, 0, []
    content = exports.activity_pdf(
        sections,
        context={
            "title": title,
            "organisation": export.organisation,
            "scope": scope,
            "filter": flt,
            "generated_at": timezone.localtime(),
            "suppressed": policies.suppresses(scope),
            "withheld": withheld,
        },
    )
    return f"rapport-activite-{stamp}.pdf", "application/pdf", content, 0, []


def exports_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the exports asked more than `EXPORT_KEPT_DAYS` days ago, with their files (a
    participants export holds names and birth dates: it must not outlive its purpose);
    returns how many. Asked again, an export is computed again from the current records."""
    now = now or timezone.now()
    deleted, _by_model = ReportExport.objects.filter(
        created_at__lt=now - dt.timedelta(days=EXPORT_KEPT_DAYS)
    ).delete()
    if deleted:
        logger.info("%s export(s) de plus de %s jours supprimé(s)", deleted, EXPORT_KEPT_DAYS)
    return deleted


def exports_forget_person(*, organisation_id: int) -> int:
    """A person of the organisation is erased: every participants export of the
    organisation goes (any of them may name the person; which ones is not kept, since
    keeping the list would itself keep personal data). Figures exports hold aggregates
    only and expire with the others."""
    deleted, _by_model = ReportExport.objects.filter(
        organisation_id=organisation_id, kind__in=PARTICIPANT_KINDS
    ).delete()
    return deleted
