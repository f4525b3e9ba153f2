"""The employment basin: labour-market files by ROME code (France Travail's « Besoins en
main-d'œuvre », job seekers by ROME) and the trades in tension of a territory, each code of
the ROME referential shown with its label and linked to the organisation's positions of that
trade (employment module)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from relais.core.errors import DomainError
from relais.employment.models import PositionStatus
from relais.employment.policies import can_read_employers
from relais.employment.references import rome_label
from relais.employment.selectors import open_positions_by_rome
from relais.territory import charts, geography
from relais.territory import labour as labour_service
from relais.territory.models import LabourDataset, Territory
from relais.territory.policies import can_manage_territory, can_view_territory
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission
from relais.web.territory.forms import BasinForm, LabourUploadForm
from relais.web.territory.views import get_territory


def _datasets(request: HttpRequest):
    return LabourDataset.objects.visible_to(request.membership)


@organisation_required
@once_per_submission
def datasets(request: HttpRequest) -> HttpResponse:
    """The organisation's labour-market data, and (for managers) the import of a file."""
    if not can_view_territory(request.membership):
        raise PermissionDenied
    may_manage = can_manage_territory(request.membership)
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    form = LabourUploadForm(request.POST or None, request.FILES or None)
    file_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploaded = data["file"]
        try:
            with tempfile.NamedTemporaryFile(suffix=Path(uploaded.name).suffix) as copy:
                for chunk in uploaded.chunks():
                    copy.write(chunk)
                copy.flush()
                dataset = labour_service.labour_import(
                    membership=request.membership,
                    title=data["title"],
                    source=data["source"],
                    year=data["year"],
                    path=Path(copy.name),
                    name=uploaded.name,
                    size=uploaded.size,
                )
        except labour_service.LabourFileErrors as error:
            file_errors = error.lines
            form.add_error("file", "Le fichier n'a pas été importé : rien n'a été enregistré.")
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request, f"« {dataset.title} » importé : {dataset.rows} lignes de chiffres."
            )
            return redirect("territory:labour")
    page = Paginator(
        _datasets(request).select_related("created_by").order_by("-year", "-id"), 20
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "territory/labour.html",
        {
            "form": form,
            "page": page,
            "file_errors": file_errors,
            "may_manage": may_manage,
            "territories": Territory.objects.visible_to(request.membership).only("pk", "name"),
        },
    )


@organisation_required
def basin(request: HttpRequest, territory_id: int) -> HttpResponse:
    """The trades in tension on the territory, from one dataset and the areas chosen as its
    employment basin (by default the areas named like its départements)."""
    territory = get_territory(request, territory_id)
    available = _datasets(request).annotate(figure_count=Count("figures"))
    dataset = None
    asked = request.GET.get("jeu", "")
    if asked.isdigit():
        dataset = available.filter(pk=int(asked)).first()
    if dataset is None and not asked:
        dataset = available.first()
    areas = labour_service.dataset_areas(dataset) if dataset else []
    departements = {
        geography.communes()[c].departement
        for c in geography.communes_of(territory.areas)
        if c in geography.communes()
    }
    initial = {
        "jeu": dataset.pk if dataset else None,
        "zones": labour_service.default_areas(dataset, departements) if dataset else [],
    }
    bound = "zones" in request.GET or asked
    form = BasinForm(
        request.GET if bound else None,
        initial=initial,
        datasets=available,
        areas=areas,
    )
    chosen: list[str] = initial["zones"]
    if bound and form.is_valid():
        dataset = form.cleaned_data["jeu"] or dataset
        chosen = form.cleaned_data["zones"]
    trades = labour_service.trades_in_tension(dataset, chosen) if dataset and chosen else []
    page = Paginator(trades, 50).get_page(request.GET.get("page"))
    known = {code for code, _label in _rome_known(t.rome_code for t in page)}
    # Each trade of the ROME referential leads to the employment module's positions of
    # that code (the organisation's job offers), with how many are open.
    may_read_positions = can_read_employers(request.membership)
    open_positions = (
        open_positions_by_rome(request.membership.organisation_id, known)
        if may_read_positions
        else {}
    )
    positions_url = reverse("employment:positions")
    rows = [
        {
            "trade": t,
            "label": rome_label(t.rome_code) or t.rome_label or "—",
            "in_referential": t.rome_code in known,
            "positions_url": (
                f"{positions_url}?{urlencode({'rome': t.rome_code, 'statut': PositionStatus.OPEN})}"
                if may_read_positions and t.rome_code in known
                else ""
            ),
            "open_positions": _positions(open_positions.get(t.rome_code, 0)),
            "projects": _number(t.projects),
            "difficult": _number(t.difficult),
            "share": _percent(t.difficult_share),
            "seasonal": _number(t.seasonal),
            "job_seekers": _number(t.job_seekers),
            "per_project": _ratio(t.seekers_per_project),
        }
        for t in page
    ]
    top = [t for t in trades if t.difficult_share is not None][:15]
    chart = charts.bar_chart(
        title="Part des projets de recrutement jugés difficiles (%), 15 premiers métiers",
        bars=[
            (f"{t.rome_code} {rome_label(t.rome_code) or t.rome_label}", t.difficult_share)
            for t in top
        ],
        missing_label="nd",
    )
    return render(
        request,
        "territory/basin.html",
        {
            "territory": territory,
            "form": form,
            "dataset": dataset,
            "chosen": chosen,
            "page": page,
            "rows": rows,
            "chart": chart,
            "has_datasets": available.exists(),
            "may_manage": can_manage_territory(request.membership),
            "may_read_positions": may_read_positions,
        },
    )


def _rome_known(codes):
    for code in codes:
        label = rome_label(code)
        if label:
            yield code, label


def _positions(count: int) -> str:
    if not count:
        return "aucun poste ouvert"
    return f"{count} poste ouvert" if count == 1 else f"{count} postes ouverts"


def _number(value: float | None) -> str:
    if value is None:
        return "nd"
    return f"{value:,.0f}".replace(",", "\u202f")


def _percent(value: float | None) -> str:
    return "nd" if value is None else f"{value:.1f}".replace(".", ",") + "\u00a0%"


def _ratio(value: float | None) -> str:
    return "nd" if value is None else f"{value:.1f}".replace(".", ",")
