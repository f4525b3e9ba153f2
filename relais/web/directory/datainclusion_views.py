"""The directory's data·inclusion pages: the public JSON of a structure and of its
services (no login), the export of data·inclusion files, and their import with its report
of every problem by line and field."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from relais.accounts.models import Organisation
from relais.network.directory import policies
from relais.network.directory.catalogue_import import catalogue_import
from relais.network.directory.datainclusion import schema
from relais.network.directory.datainclusion.export import (
    export_csv,
    export_json,
    service_to_v1,
    structure_to_v1,
)
from relais.network.directory.datainclusion.reading import MAX_UPLOAD_LABEL
from relais.network.directory.models import Service
from relais.web.directory.common import (
    active_organisation,
)
from relais.web.directory.import_forms import ImportForm
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission

MAX_ERRORS_SHOWN = 1000


def _json(payload) -> JsonResponse:
    response = JsonResponse(payload, safe=False, json_dumps_params={"ensure_ascii": False})
    # Open data: any site may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def services_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The structure's published services as a list of data·inclusion v1 Service objects.
    Public: no login."""
    organisation = active_organisation(pk)
    services = organisation.services.published().select_related("organisation")
    return _json([service_to_v1(s) for s in services.order_by("name", "pk")])


@require_GET
def structure_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The structure as a data·inclusion v1 Structure object. Public: no login."""
    return _json(structure_to_v1(active_organisation(pk)))


EXPORT_FILES = {"datainclusion.json", "structures.csv", "services.csv"}


@organisation_required
@require_GET
def export(request: HttpRequest, scope: str, filename: str) -> HttpResponse:
    """Published structures and services as data·inclusion files: the current
    organisation's (its managers), or the whole directory (any member)."""
    if filename not in EXPORT_FILES or scope not in {"structure", "annuaire"}:
        raise Http404
    if scope == "structure":
        if not policies.can_import(request.membership):
            raise PermissionDenied
        organisations = Organisation.objects.filter(pk=request.organisation.pk)
        prefix = slugify(request.organisation.name)[:40] or "structure"
    else:
        if not policies.can_export_directory(request.membership):
            raise PermissionDenied
        organisations = Organisation.objects.filter(is_active=True)
        prefix = "annuaire"
    organisations = organisations.order_by("pk")
    services = (
        Service.objects.published()
        .filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation_id", "pk")
    )
    if filename == "datainclusion.json":
        content = export_json(organisations, services)
        content_type = "application/json; charset=utf-8"
    elif filename == "structures.csv":
        rows = (structure_to_v1(o) for o in organisations)
        content = export_csv(rows, schema.STRUCTURE_FIELDS)
        content_type = "text/csv; charset=utf-8"
    else:
        rows = (service_to_v1(s) for s in services)
        content = export_csv(rows, schema.SERVICE_FIELDS)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{prefix}-{filename}"'
    return response


@organisation_required
@once_per_submission
def import_view(request: HttpRequest) -> HttpResponse:
    if not policies.can_import(request.membership):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    report = None
    if posted and form.is_valid():
        report = catalogue_import(
            form.import_files(), actor=request.user, membership=request.membership
        )
        if report.ok:
            messages.success(request, f"Import réussi : {report.summary()}")
            for notice in report.notices:
                messages.info(request, notice)
            return redirect("directory:import")
    return render(
        request,
        "network/directory/import.html",
        {
            "form": form,
            "report": report,
            "errors_shown": report.errors[:MAX_ERRORS_SHOWN] if report else [],
            "errors_hidden": max(0, len(report.errors) - MAX_ERRORS_SHOWN) if report else 0,
            "max_upload": MAX_UPLOAD_LABEL,
            "organisation": request.organisation,
        },
    )
