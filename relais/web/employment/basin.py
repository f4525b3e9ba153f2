"""The employment basin: the organisation's employers and open positions by sector (NAF
section) and by job family (ROME domain), and by commune — a table, with an SVG bar chart
of open positions by job family with its data table (relais.core.charts), and a map of the
communes (relais.employment.basin_map) beside the table of the same figures. A job family
(ROME domain) can be chosen: the positions, the communes and the map follow it.

Employers are organisation data, not persons: the counts are shown as they are (the
small-count rule applies to aggregates about accompanied persons)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from relais.core.charts import Chart, Series
from relais.core.communes import get_commune
from relais.employment import policies, references
from relais.employment.basin_map import BasinPoint, basin_map_svg
from relais.employment.models import Employer, Position, PositionStatus
from relais.web.organisations.views import organisation_required

ROME_DOMAINS = {
    "A": "Agriculture, espaces verts",
    "B": "Arts et façonnage d'ouvrages d'art",
    "C": "Banque, assurance, immobilier",
    "D": "Commerce, vente, grande distribution",
    "E": "Communication, média, multimédia",
    "F": "Construction, bâtiment, travaux publics",
    "G": "Hôtellerie-restauration, tourisme, loisirs",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et logistique",
}


@organisation_required
@require_GET
def basin(request: HttpRequest) -> HttpResponse:
    if not policies.can_read_employers(request.membership):
        raise PermissionDenied
    organisation_id = request.membership.organisation_id
    family = request.GET.get("famille", "").strip().upper()[:1]
    if family not in ROME_DOMAINS:
        family = ""
    all_open = Position.objects.filter(organisation_id=organisation_id, status=PositionStatus.OPEN)
    open_positions = all_open.filter(rome_code__startswith=family) if family else all_open
    by_domain = (
        all_open.annotate(domain=Substr("rome_code", 1, 1))
        .values("domain")
        .annotate(n=Count("pk"))
        .order_by("domain")
    )
    by_rome = open_positions.values("rome_code").annotate(n=Count("pk")).order_by("-n", "rome_code")
    positions_by_commune = dict(
        open_positions.values_list("commune_code").annotate(n=Count("pk")).order_by()
    )
    employers = Employer.objects.filter(organisation_id=organisation_id)
    if family:
        employers = employers.filter(
            positions__status=PositionStatus.OPEN, positions__rome_code__startswith=family
        )
    employers_by_commune = dict(
        employers.exclude(commune_code="")
        .values_list("commune_code")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    communes = []
    for code in set(positions_by_commune) | set(employers_by_commune):
        commune = get_commune(code)
        communes.append(
            {
                "code": code,
                "label": commune.name if commune else code,
                "n": positions_by_commune.get(code, 0),
                "employers": employers_by_commune.get(code, 0),
                "commune": commune,
            }
        )
    communes.sort(key=lambda c: (-c["n"], -c["employers"], c["label"]))
    points = [
        BasinPoint(
            code=c["code"],
            name=c["label"],
            latitude=c["commune"].latitude,
            longitude=c["commune"].longitude,
            positions=c["n"],
            employers=c["employers"],
        )
        for c in communes
        if c["commune"] is not None and c["commune"].latitude is not None
    ]
    employers_by_division = (
        Employer.objects.filter(organisation_id=organisation_id)
        .annotate(division=Substr("naf_code", 1, 2))
        .values("division")
        .annotate(n=Count("pk"))
        .order_by("-n")[:30]
    )
    domains = [
        {"code": r["domain"], "label": ROME_DOMAINS.get(r["domain"], r["domain"]), "n": r["n"]}
        for r in by_domain
    ]
    chart = Chart(
        title="Postes ouverts par famille de métiers (ROME)",
        categories=[d["label"] for d in domains],
        series=[Series("Postes ouverts", [d["n"] for d in domains])],
        category_label="Famille de métiers",
        description="Nombre de postes ouverts des employeurs de la structure, par domaine ROME.",
    )
    return render(
        request,
        "employment/basin.html",
        {
            "chart": chart if domains else None,
            "romes": [
                {
                    "code": r["rome_code"],
                    "label": references.rome_label(r["rome_code"]),
                    "n": r["n"],
                }
                for r in by_rome
            ],
            "communes": communes[:50],
            "more_communes": max(0, len(communes) - 50),
            "map": basin_map_svg(points),
            "family": family,
            "families": list(ROME_DOMAINS.items()),
            "divisions": [
                {"code": r["division"], "label": references.naf_label(r["division"]), "n": r["n"]}
                for r in employers_by_division
            ],
        },
    )
