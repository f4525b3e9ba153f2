"""Yearly statistics of a certification, as the RNCP fiches report them, and of all the
certifications of each certifier, with CSV and XLSX exports (cells neutralised against
formulas)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from relais.certification import certifier_statistics as certifier_stats
from relais.certification import policies
from relais.certification import statistics as stats
from relais.certification.models import Certification
from relais.core import disclosure
from relais.web.certification.common import module_required, require


@module_required
@require_GET
def statistics(request: HttpRequest, code: str) -> HttpResponse:
    require(policies.can_manage, request)
    certification = Certification.objects.filter(code=code).first()
    if certification is None:
        raise Http404
    rows = stats.yearly(certification, organisation=request.organisation)
    export = request.GET.get("format")
    if export == "csv":
        response = HttpResponse(stats.as_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statistiques-{code}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(
            stats.as_xlsx(rows, title=str(certification)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="statistiques-{code}.xlsx"'
        return response
    return render(
        request,
        "certification/statistics.html",
        {"certification": certification, "rows": rows, "headers": stats.HEADERS},
    )


@module_required
@require_GET
def certifier_statistics(request: HttpRequest) -> HttpResponse:
    """Every certification of each certifier, per year, with the certifier's totals."""
    require(policies.can_manage, request)
    tables = certifier_stats.by_certifier(request.organisation)
    export = request.GET.get("format")
    if export == "csv":
        response = HttpResponse(
            certifier_stats.as_csv(tables), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="statistiques-certificateurs.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(
            certifier_stats.as_xlsx(
                tables, title=f"Statistiques par certificateur — {request.organisation.name}"
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="statistiques-certificateurs.xlsx"'
        return response
    return render(
        request,
        "certification/certifier_statistics.html",
        {
            "tables": tables,
            "headers": certifier_stats.HEADERS[1:],
            "secondary": certifier_stats.any_secondary(tables),
            "secondary_legend": disclosure.SECONDARY_LEGEND,
        },
    )
