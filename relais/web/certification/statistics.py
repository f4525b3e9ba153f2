"""Yearly statistics of a certification, as the RNCP fiches report them, with CSV and XLSX
exports (cells neutralised against formulas)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from relais.certification import policies
from relais.certification import statistics as stats
from relais.certification.models import Certification
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
