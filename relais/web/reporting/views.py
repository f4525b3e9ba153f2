"""Dashboards (organisation, caseload, coordination team), their yearly comparison, and
the export jobs (request, progress, download)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.people.access import record_denied
from relais.people.selectors import assignable_referents
from relais.reporting import policies, selectors, services, snapshots
from relais.reporting.filters import Scope, default_period
from relais.reporting.models import (
    PARTICIPANT_KINDS,
    RUNNING_STATUSES,
    ExportKind,
    ExportStatus,
    ReportExport,
)
from relais.web.organisations.views import organisation_required
from relais.web.reporting.forms import ExportForm, ReportFilterForm
from relais.web.submissions import once_per_submission

SCOPE_URLS = {
    Scope.ORGANISATION: "reporting:organisation",
    Scope.CASELOAD: "reporting:caseload",
    Scope.TEAM: "reporting:team",
}
FIGURE_KINDS = (ExportKind.FIGURES_XLSX, ExportKind.FIGURES_CSV, ExportKind.ACTIVITY_PDF)


@organisation_required
def home(request: HttpRequest) -> HttpResponse:
    scopes = policies.scopes(request.membership)
    if not scopes:
        raise PermissionDenied
    return redirect(SCOPE_URLS[scopes[0]])


def _form(request: HttpRequest, data: QueryDict, scope: Scope) -> ReportFilterForm:
    data = data.copy()
    start, end = default_period(timezone.localdate())
    data.setdefault("debut", start.isoformat())
    data.setdefault("fin", end.isoformat())
    referents = []
    if scope == Scope.ORGANISATION:
        referents = [
            (u.pk, u.get_full_name() or u.email)
            for u in assignable_referents(request.organisation).only(
                "first_name", "last_name", "email"
            )
        ]
    return ReportFilterForm(
        data,
        referents=referents,
        show_referent=scope == Scope.ORGANISATION,
        show_scheme=scope != Scope.TEAM,
        show_identity=scope != Scope.TEAM,
        whole_months=policies.suppresses(scope),
    )


def _checked_filter(request: HttpRequest, form: ReportFilterForm):
    """The form's filter; a référent of another organisation is refused and journaled."""
    flt = form.report_filter()
    try:
        policies.check_referent_filter(request.membership, flt.referent_id)
    except policies.ReferentOutOfReach as refusal:
        record_denied(
            request,
            target_type="accounts.user",
            target_id=flt.referent_id,
            person_id=None,
            organisation_id=None,
            reason="filtre des indicateurs : professionnel d'une autre structure",
        )
        raise PermissionDenied(refusal.message) from refusal
    return flt


def _dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    membership = request.membership
    if not policies.can_view(membership, scope):
        raise PermissionDenied
    form = _form(request, request.GET, scope)
    blocks, compared, flt = [], False, None
    today = timezone.localdate()
    computed_at = None
    withheld = ""
    if form.is_valid():
        flt = _checked_filter(request, form)
        fresh = "recalculer" in request.GET
        compared = form.cleaned_data["comparer"]
        previous = {}
        try:
            current, computed_at = _sections(membership, scope, flt, today, fresh=fresh)
            if compared:
                earlier = _sections(membership, scope, flt.previous_year(), today, fresh=fresh)
                for block in earlier[0]:
                    previous.update({t.key: t for t in block.tables})
        except selectors.TooFewPersons as error:
            # Either period: showing one alone would tell the other by comparison.
            withheld, current, computed_at = error.message, [], None
        blocks = [
            (block.section, [(t, previous.get(t.key)) for t in block.tables]) for block in current
        ]
    can_participants = scope == Scope.ORGANISATION and policies.can_export_participants(membership)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "scopes": [(s, reverse(SCOPE_URLS[s])) for s in policies.scopes(membership)],
            "blocks": blocks,
            "compared": compared,
            "filter": flt,
            "previous": flt.previous_year() if flt else None,
            "suppressed": policies.suppresses(scope),
            "figure_kinds": [(k.value, k.label) for k in FIGURE_KINDS],
            "participant_kinds": (
                [(k.value, k.label) for k in PARTICIPANT_KINDS] if can_participants else []
            ),
            "exports": _recent_exports(request),
            "computed_at": computed_at,
            "withheld": withheld,
            "recompute_url": request.get_full_path()
            + ("&" if request.GET else "?")
            + "recalculer=1",
        },
    )


def _sections(membership, scope: Scope, flt, today, *, fresh: bool = False):
    """The default view of the organisation, or of the référent's caseload, from its
    snapshot when computed today (the page states when), else computed now; `fresh`
    (« Recalculer maintenant ») computes it now in any case."""
    if not fresh and scope in (Scope.ORGANISATION, Scope.CASELOAD):
        found = snapshots.cached(
            membership.organisation_id,
            flt,
            today=today,
            user_id=membership.user_id if scope == Scope.CASELOAD else None,
        )
        if found is not None:
            return found
    return selectors.dashboard(membership, scope, flt, today=today), None


def _recent_exports(request: HttpRequest) -> list[dict]:
    found = list(
        ReportExport.objects.filter(
            organisation_id=request.organisation.pk, requested_by_id=request.user.pk
        ).values("pk", "kind", "status", "progress", "created_at", "filename")[:5]
    )
    for export in found:
        export["label"] = ExportKind(export["kind"]).label
        export["status_label"] = ExportStatus(export["status"]).label
    return found


@organisation_required
def organisation_dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, Scope.ORGANISATION)


@organisation_required
def caseload_dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, Scope.CASELOAD)


@organisation_required
def team_dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, Scope.TEAM)


@require_POST
@organisation_required
@once_per_submission
def export_create(request: HttpRequest) -> HttpResponse:
    try:
        scope = Scope(request.POST.get("scope", ""))
    except ValueError as error:
        raise Http404 from error
    if not policies.can_view(request.membership, scope):
        raise PermissionDenied
    back = (
        reverse(SCOPE_URLS[scope])
        + "?"
        + urlencode(
            {
                k: v
                for k, v in request.POST.items()
                if k not in ("csrfmiddlewaretoken", "kind", "scope")
            }
        )
    )
    kind_form = ExportForm(request.POST)
    form = _form(request, request.POST, scope)
    if not kind_form.is_valid() or not form.is_valid():
        messages.error(request, "Export impossible : vérifiez la période et les filtres.")
        return redirect(back)
    flt = _checked_filter(request, form)
    try:
        export, created = services.export_request(
            membership=request.membership,
            kind=kind_form.cleaned_data["kind"],
            scope=scope,
            flt=flt,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    journal.record_request(
        request,
        JournalAction.CREATE if created else JournalAction.VIEW,
        target=export,
        organisation=request.organisation,
        summary=f"export demandé : {ExportKind(export.kind).label}, {flt.describe()}"[:200],
    )
    if not created:
        messages.info(request, "Cet export est déjà en cours : le voici.")
    return redirect("reporting:export", export_id=export.pk)


def _export(request: HttpRequest, export_id: int, *fields: str) -> dict:
    """The user's own export (as values: the file is read only for the download)."""
    found = (
        ReportExport.objects.filter(
            pk=export_id,
            organisation_id=request.organisation.pk,
            requested_by_id=request.user.pk,
        )
        .values("pk", "kind", "status", "progress", "row_count", "missing", "error", *fields)
        .first()
    )
    if found is None:
        raise Http404
    found["kind_label"] = ExportKind(found["kind"]).label
    found["running"] = found["status"] in RUNNING_STATUSES
    return found


@organisation_required
def export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    export = _export(request, export_id, "created_at", "finished_at", "filename", "params")
    return render(request, "reporting/export.html", {"export": export})


@organisation_required
def export_progress(request: HttpRequest, export_id: int) -> HttpResponse:
    export = _export(request, export_id)
    response = render(request, "reporting/_export_progress.html", {"export": export})
    if not export["running"] and request.htmx:
        response["HX-Refresh"] = "true"  # the whole page then offers the download
    return response


@organisation_required
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    export = _export(request, export_id, "filename", "content_type", "content")
    if export["status"] != "done" or export["content"] is None:
        raise Http404
    journal.record_request(
        request,
        JournalAction.EXPORT,
        target_type="reporting.reportexport",
        target_id=export["pk"],
        organisation=request.organisation,
        summary=f"téléchargement : {export['kind_label']}"[:200],
    )
    response = HttpResponse(bytes(export["content"]), content_type=export["content_type"])
    response["Content-Disposition"] = f'attachment; filename="{export["filename"]}"'
    return response
