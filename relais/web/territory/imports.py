"""The indicator catalogue and the import of indicator files: upload, column mapping with a
preview, then the import as a task whose progress the page polls (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from relais.core.errors import DomainError
from relais.territory import imports as import_service
from relais.territory import parsing
from relais.territory import services as territory_services
from relais.territory.models import ACTIVE_IMPORT, ImportStatus, IndicatorImport
from relais.territory.policies import can_manage_import, can_manage_territory, can_view_territory
from relais.territory.portrait import visible_indicators
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission
from relais.web.territory.forms import IndicatorForm, MappingForm, UploadForm


@organisation_required
def indicators(request: HttpRequest) -> HttpResponse:
    if not can_view_territory(request.membership):
        raise PermissionDenied
    catalogue = (
        visible_indicators(request.organisation.pk)
        .annotate(
            first_year=Min("values__year"),
            last_year=Max("values__year"),
        )
        .order_by("theme", "name", "id")
    )
    page = Paginator(catalogue, 50).get_page(request.GET.get("page"))
    may_manage = can_manage_territory(request.membership)
    # The imports' pages are the managers' (others would get a 403): only they see the list.
    recent = (
        IndicatorImport.objects.filter(organisation=request.organisation).select_related(
            "indicator", "created_by"
        )[:10]
        if may_manage
        else []
    )
    return render(
        request,
        "territory/indicators.html",
        {"page": page, "imports": recent, "may_manage": may_manage},
    )


@organisation_required
@once_per_submission
def indicator_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_territory(request.membership):
        raise PermissionDenied
    form = IndicatorForm(request.POST or None, organisation_id=request.organisation.pk)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = territory_services.indicator_create(
                membership=request.membership, **form.cleaned_data
            )
        except DomainError as error:
            for item in getattr(error, "errors", [error]):
                apply_domain_error(form, item)
        else:
            messages.success(
                request, f"Indicateur « {indicator.name} » créé : importez ses valeurs."
            )
            return redirect(f"{_upload_url()}?indicateur={indicator.pk}")
    return render(request, "territory/indicator_form.html", {"form": form})


def _upload_url() -> str:
    from django.urls import reverse

    return reverse("territory:import_upload")


@organisation_required
@once_per_submission
def upload(request: HttpRequest) -> HttpResponse:
    if not can_manage_territory(request.membership):
        raise PermissionDenied
    initial = (
        {"indicator": request.GET.get("indicateur")}
        if request.GET.get("indicateur", "").isdigit()
        else {}
    )
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        organisation_id=request.organisation.pk,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = import_service.import_upload(
                membership=request.membership,
                indicator=form.cleaned_data["indicator"],
                uploaded_file=form.cleaned_data["file"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("territory:import_detail", import_id=job.pk)
    return render(request, "territory/import_upload.html", {"form": form})


def _get_import(request: HttpRequest, import_id: int) -> IndicatorImport:
    if not can_manage_territory(request.membership):
        raise PermissionDenied
    job = get_object_or_404(
        IndicatorImport.objects.filter(organisation=request.organisation).select_related(
            "indicator"
        ),
        pk=import_id,
    )
    if not can_manage_import(request.membership, job):
        raise PermissionDenied
    return job


@organisation_required
def detail(request: HttpRequest, import_id: int) -> HttpResponse:
    job = _get_import(request, import_id)
    if job.status != ImportStatus.PENDING:
        return render(
            request,
            "territory/import_progress.html",
            {"job": job, "polling": job.status in ACTIVE_IMPORT and not job.is_stalled},
        )
    try:
        with import_service.local_file(job) as path:
            preview = parsing.preview(path, job.original_name)
    except (parsing.FileUnreadable, OSError) as error:
        messages.error(request, str(error))
        return redirect("territory:import_upload")
    form = MappingForm(request.POST or None, header=preview.header, initial=_guess(preview))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mapping = import_service.build_mapping(
                header=preview.header,
                code=data["code"],
                layout=data["layout"],
                value=data["value"],
                year=data["year"],
                fixed_year=data["fixed_year"],
            )
            import_service.import_start(membership=request.membership, job=job, mapping=mapping)
        except import_service.MappingErrors as error:
            for field, message in error.errors:
                form.add_error(field if field in form.fields else None, message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("territory:import_detail", import_id=job.pk)
    return render(
        request, "territory/import_mapping.html", {"job": job, "preview": preview, "form": form}
    )


def _guess(preview: parsing.Preview) -> dict:
    """Columns whose titles say what they hold (« CODGEO », « année », « valeur »)."""
    guess: dict = {"layout": "wide" if len(preview.year_columns) > 1 else "long"}
    for i, title in enumerate(preview.header):
        low = title.lower()
        if "code" in low or "codgeo" in low or "insee" in low:
            guess.setdefault("code", i)
        elif low in ("annee", "année", "an", "year", "millesime", "millésime"):
            guess.setdefault("year", i)
        elif low in ("valeur", "value", "nombre", "effectif", "taux"):
            guess.setdefault("value", i)
    return guess


@organisation_required
def progress(request: HttpRequest, import_id: int) -> HttpResponse:
    job = _get_import(request, import_id)
    polling = job.status in (*ACTIVE_IMPORT, ImportStatus.PENDING) and not job.is_stalled
    return render(request, "territory/_import_status.html", {"job": job, "polling": polling})


@organisation_required
@require_POST
def restart(request: HttpRequest, import_id: int) -> HttpResponse:
    """« Relancer l'import »: a new attempt of an import whose worker stopped."""
    job = _get_import(request, import_id)
    try:
        import_service.import_restart(membership=request.membership, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Import relancé : le fichier est repris depuis le début.")
    return redirect("territory:import_detail", import_id=job.pk)
