"""The analyse des besoins sociaux (ABS): yearly versions per territory, sections with
their computed tables and editable narrative, PDF and XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from relais.core.errors import DomainError, StaleObjectError
from relais.territory import services as territory_services
from relais.territory.models import NeedsAnalysis, Territory
from relais.territory.policies import can_contribute, can_view_territory
from relais.territory.report import (
    GUIDANCE,
    SECTIONS,
    needs_pdf,
    needs_tables,
    portrait_tables,
    report_data,
)
from relais.territory.report_xlsx import needs_xlsx
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission
from relais.web.territory.forms import AnalysisForm, SectionForm


def _get(request: HttpRequest, analysis_id: int) -> NeedsAnalysis:
    if not can_view_territory(request.membership):
        raise PermissionDenied
    return get_object_or_404(
        NeedsAnalysis.objects.visible_to(request.membership).select_related(
            "territory", "organisation"
        ),
        pk=analysis_id,
    )


@organisation_required
@once_per_submission
def analyses(request: HttpRequest) -> HttpResponse:
    if not can_view_territory(request.membership):
        raise PermissionDenied
    territories = Territory.objects.visible_to(request.membership)
    form = AnalysisForm(request.POST or None, territories=territories)
    if request.method == "POST":
        if not can_contribute(request.membership):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                analysis = territory_services.needs_analysis_create(
                    membership=request.membership,
                    territory=data["territory"],
                    year=data["year"],
                    title=data["title"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, "Analyse créée : complétez ses sections.")
                return redirect("territory:analysis", analysis_id=analysis.pk)
    items = NeedsAnalysis.objects.visible_to(request.membership).select_related("territory")
    return render(
        request,
        "territory/analyses.html",
        {"analyses": items, "form": form, "may_write": can_contribute(request.membership)},
    )


@organisation_required
def detail(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _get(request, analysis_id)
    data = report_data(analysis)
    may_write = can_contribute(request.membership)
    sections = [
        {
            "key": key,
            "title": title,
            "guidance": GUIDANCE[key],
            "text": analysis.narratives.get(key, ""),
            "form": SectionForm(
                initial={"text": analysis.narratives.get(key, ""), "version": analysis.version},
                prefix=key,
            )
            if may_write
            else None,
        }
        for key, title in SECTIONS.items()
    ]
    return render(
        request,
        "territory/analysis.html",
        {
            "analysis": analysis,
            "data": data,
            "sections": sections,
            "tables": portrait_tables(data.portrait),
            **needs_tables(data),
            "may_write": may_write,
        },
    )


@organisation_required
@require_POST
def section(request: HttpRequest, analysis_id: int, section: str) -> HttpResponse:
    analysis = _get(request, analysis_id)
    if not can_contribute(request.membership):
        raise PermissionDenied
    if section not in SECTIONS:
        raise Http404
    form = SectionForm(request.POST, prefix=section)
    if form.is_valid():
        try:
            territory_services.needs_analysis_write(
                membership=request.membership,
                analysis=analysis,
                section=section,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleObjectError as error:
            analysis.refresh_from_db()
            return render(
                request,
                "territory/analysis_stale.html",
                {
                    "analysis": analysis,
                    "title": SECTIONS[section],
                    "section": section,
                    "mine": form.cleaned_data["text"],
                    "theirs": analysis.narratives.get(section, ""),
                    "message": error.message,
                    "form": SectionForm(
                        initial={"text": form.cleaned_data["text"], "version": analysis.version},
                        prefix=section,
                    ),
                },
                status=409,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Section « {SECTIONS[section]} » enregistrée.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{request.path.rsplit('/sections/', 1)[0]}/#{section}")


@organisation_required
def pdf(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _get(request, analysis_id)
    response = HttpResponse(needs_pdf(analysis), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="abs-{analysis.year}-{slugify(analysis.territory.name)}.pdf"'
    )
    return response


@organisation_required
def xlsx(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _get(request, analysis_id)
    response = HttpResponse(
        needs_xlsx(analysis),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="abs-{analysis.year}-{slugify(analysis.territory.name)}.xlsx"'
    )
    return response
