"""The actor map (cartographie des acteurs): organisations of a territory, their declared
partnerships and referral flows, as SVG, tables and exports; ending a partnership."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from relais.accounts.models import Organisation
from relais.core.errors import DomainError
from relais.core.errors import PermissionDenied as DomainPermissionDenied
from relais.network.actor_map.diagram import actor_map_svg
from relais.network.actor_map.exports import actor_map_csv, actor_map_svg_file
from relais.network.actor_map.flows import build_actor_map
from relais.network.actor_map.graph import GROUPS
from relais.network.actor_map.territory import default_territory
from relais.network.coordination.models import Partnership
from relais.network.coordination.partnerships import (
    can_declare_partnership,
    is_manager_of,
    partnership_declare,
    partnership_end,
)
from relais.web.actor_map.forms import ActorMapForm, PartnershipForm
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required

MAX_TABLE_FLOWS = 300
SEARCH_FIELDS = ("thematique", "commune", "rayon", "public", "accueil", "q")
FORM_ALIASES = {"thematiques": "thematique", "radius_km": "rayon", "mode_accueil": "accueil"}


def _map_form(request: HttpRequest) -> ActorMapForm:
    params = request.GET
    if "territoire" in params:
        return ActorMapForm(params)
    territory = default_territory(request.organisation)
    if territory.departement:
        return ActorMapForm({"territoire": territory.departement})
    return ActorMapForm()


def _back_url(query: str) -> str:
    url = reverse("search:actor_map") + (f"?{query}" if query else "")
    if "\n" in query or "\r" in query or not url_has_allowed_host_and_scheme(url, None):
        return reverse("search:actor_map")
    return url


@organisation_required
def actor_map(request: HttpRequest) -> HttpResponse:
    form = _map_form(request)
    membership = request.membership
    may_declare = can_declare_partnership(membership)
    amap = None
    svg = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        amap = build_actor_map(form.territory, start=data["du"], end=data["au"])
        svg = actor_map_svg(amap, chart_id="cartographie")

    partner_choices = []
    if amap is not None and may_declare:
        partner_choices = [
            (n.pk, f"{n.name} ({n.commune_name})")
            for n in (*amap.organisations, *amap.outside)
            if n.pk != membership.organisation_id
        ]
    partnership_form = None
    if may_declare:
        if request.method == "POST":
            partnership_form = PartnershipForm(request.POST, organisations=partner_choices)
            if partnership_form.is_valid():
                data = partnership_form.cleaned_data
                target = Organisation.objects.filter(pk=data["target"]).first()
                try:
                    if target is None:
                        raise DomainError("Cette structure n'existe plus.", field="target")
                    partnership_declare(
                        membership=membership,
                        target=target,
                        kind=data["kind"],
                        description=data["description"],
                        started_on=data["started_on"],
                    )
                except DomainError as error:
                    apply_domain_error(partnership_form, error)
                else:
                    messages.success(request, f"Le partenariat avec {target.name} est déclaré.")
                    return redirect(request.get_full_path())
        else:
            partnership_form = PartnershipForm(organisations=partner_choices)
    elif request.method == "POST":
        raise PermissionDenied

    rows = []
    if amap is not None:
        rows = [
            {
                "p": p,
                "can_end": p.is_active
                and (
                    is_manager_of(membership, p.source.pk) or is_manager_of(membership, p.target.pk)
                ),
            }
            for p in amap.partnerships
        ]
    export_query = ""
    if amap is not None:
        export_query = urlencode(
            {
                "territoire": form.cleaned_data["territoire"],
                "du": amap.start.isoformat(),
                "au": amap.end.isoformat(),
            }
        )
    return render(
        request,
        "network/actor_map/map.html",
        {
            "form": form,
            "amap": amap,
            "svg": svg,
            "partnership_rows": rows,
            "partnership_form": partnership_form if amap is not None else None,
            "may_declare": may_declare,
            "groups": GROUPS,
            "export_query": export_query,
            "flows_shown": amap.flows[:MAX_TABLE_FLOWS] if amap is not None else [],
        },
        status=200 if request.method == "GET" or partnership_form is None else 400,
    )


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = ActorMapForm(request.GET)
    if not form.is_valid():
        return redirect(_back_url(request.GET.urlencode()))
    data = form.cleaned_data
    amap = build_actor_map(form.territory, start=data["du"], end=data["au"])
    name = f"cartographie-{amap.territory.slug}-{data['au']:%Y-%m-%d}"
    if fmt == "svg":
        response = HttpResponse(
            actor_map_svg_file(amap, chart_id="cartographie"),
            content_type="image/svg+xml; charset=utf-8",
        )
    else:
        response = HttpResponse(
            "\ufeff" + actor_map_csv(amap), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@organisation_required
@require_GET
def actor_map_svg_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "svg")


@organisation_required
@require_GET
def actor_map_csv_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@organisation_required
@require_POST
def partnership_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_object_or_404(Partnership.objects.select_related("source", "target"), pk=pk)
    back = _back_url(request.POST.get("back", "")[:2500])
    try:
        partnership_end(
            membership=request.membership, partnership=partnership, ended_on=timezone.localdate()
        )
    except DomainError as error:
        if isinstance(error, DomainPermissionDenied):
            raise PermissionDenied from error
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Le partenariat entre {partnership.source.name} et {partnership.target.name} "
            "est terminé.",
        )
    return redirect(back)
