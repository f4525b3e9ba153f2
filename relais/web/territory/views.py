"""Territory pages: the organisation's territories, their portrait, the observed needs and
the gaps between needs and offer, and the pooling agreement. Figures are aggregates: the
pages never list nor link to a person."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from relais.core import disclosure
from relais.core.errors import DomainError, StaleObjectError
from relais.core.errors import PermissionDenied as DomainPermissionDenied
from relais.territory import charts, geography
from relais.territory import services as territory_services
from relais.territory.gaps import gap_analysis, gap_rows
from relais.territory.models import Territory, Theme
from relais.territory.needs import disclosed, observed_needs
from relais.territory.policies import can_manage_territory, can_view_territory
from relais.territory.portrait import build_portrait, themes_with_values
from relais.territory.report import portrait_tables
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission
from relais.web.territory.forms import NeedsForm, TerritoryForm


def territories_of(request: HttpRequest):
    return Territory.objects.visible_to(request.membership)


def get_territory(request: HttpRequest, territory_id: int) -> Territory:
    if not can_view_territory(request.membership):
        raise PermissionDenied
    return get_object_or_404(territories_of(request), pk=territory_id)


def _apply(form, error: DomainError) -> None:
    aliases = {"zones": "areas", "comparaison": "comparison"}
    for item in getattr(error, "errors", [error]):
        apply_domain_error(form, item, aliases)


@organisation_required
def home(request: HttpRequest) -> HttpResponse:
    if not can_view_territory(request.membership):
        raise PermissionDenied
    territories = list(territories_of(request))
    for territory in territories:
        territory.area_labels = [geography.area_label(a) for a in territory.areas[:6]]
        territory.more_areas = max(0, len(territory.areas) - 6)
    return render(
        request,
        "territory/home.html",
        {
            "territories": territories,
            "may_manage": can_manage_territory(request.membership),
            "pooling": territory_services.pooling_active(request.organisation.pk),
        },
    )


@organisation_required
@once_per_submission
def territory_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_territory(request.membership):
        raise PermissionDenied
    form = TerritoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            territory = territory_services.territory_create(
                membership=request.membership,
                name=data["name"],
                areas_text=data["areas"],
                comparison_text=data["comparison"],
            )
        except DomainError as error:
            _apply(form, error)
        else:
            messages.success(request, f"Le territoire « {territory.name} » est défini.")
            return redirect("territory:portrait", territory_id=territory.pk)
    return render(request, "territory/territory_form.html", {"form": form, "territory": None})


@organisation_required
def territory_update(request: HttpRequest, territory_id: int) -> HttpResponse:
    territory = get_territory(request, territory_id)
    if not can_manage_territory(request.membership):
        raise PermissionDenied
    initial = {
        "name": territory.name,
        "areas": "\n".join(territory.areas),
        "comparison": "\n".join(territory.comparison_areas),
        "version": territory.version,
    }
    form = TerritoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            territory_services.territory_update(
                membership=request.membership,
                territory=territory,
                expected_version=data["version"] or 0,
                name=data["name"],
                areas_text=data["areas"],
                comparison_text=data["comparison"],
            )
        except StaleObjectError as error:
            territory.refresh_from_db()
            keep_input_with_version(form, territory.version)
            form.add_error(None, error.message)
        except DomainError as error:
            _apply(form, error)
        else:
            messages.success(request, "Territoire enregistré.")
            return redirect("territory:portrait", territory_id=territory.pk)
    return render(request, "territory/territory_form.html", {"form": form, "territory": territory})


@organisation_required
def portrait(request: HttpRequest, territory_id: int) -> HttpResponse:
    """One theme at a time: rendering every chart of every theme took a second for a
    département. The first theme (or the one asked for) is in the page; the others are
    closed sections whose figures htmx loads when opened — without JavaScript, each one's
    link opens the page on that theme."""
    territory = get_territory(request, territory_id)
    themes = themes_with_values(territory.organisation_id)
    asked = request.GET.get("theme", "")
    if asked and asked not in themes:
        raise Http404("Thème inconnu.")
    theme = asked or (themes[0] if themes else "")
    tables = portrait_tables(build_portrait(territory, themes=[theme])) if theme else []
    url = reverse("territory:portrait", args=[territory.pk])
    context = {
        "territory": territory,
        "tables": tables,
        "theme_label": Theme(theme).label if theme else "",
    }
    if request.htmx:
        response = render(request, "territory/_portrait_theme.html", context)
    else:
        communes = geography.communes_of(territory.areas)
        context |= {
            "sections": [
                {
                    "key": key,
                    "label": Theme(key).label,
                    "url": f"{url}?theme={key}",
                    "open": key == theme,
                }
                for key in themes
            ],
            "areas": [geography.area_label(a) for a in territory.areas],
            "comparisons": [geography.area_label(a) for a in territory.comparison_areas],
            "communes": len(communes),
            "population": geography.population_of(communes),
            "may_manage": can_manage_territory(request.membership),
        }
        response = render(request, "territory/portrait.html", context)
    # The same address answers the whole page or one theme's figures (htmx).
    patch_vary_headers(response, ["HX-Request"])
    return response


@organisation_required
def needs(request: HttpRequest, territory_id: int) -> HttpResponse:
    territory = get_territory(request, territory_id)
    form = NeedsForm(request.GET or None)
    year, radius = form.values()
    found = observed_needs(territory, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    gaps = gap_analysis(found, radius_km=radius)
    figures = disclosed(found)
    return render(
        request,
        "territory/needs.html",
        {
            "territory": territory,
            "form": form,
            "year": year,
            "needs": found,
            "figures": figures,
            "legend": disclosure.SECONDARY_LEGEND,
            "persons": figures.persons,
            "domain_rows": [(label, n, b) for _k, label, n, b in figures.domains],
            "commune_rows": [(name, n) for _c, name, n in figures.communes],
            "commune_total": figures.difficulty,
            "age_rows": [(label, str(n)) for label, n in figures.ages],
            "age_total": str(figures.persons),
            "scheme_rows": figures.schemes,
            "barrier_rows": figures.barriers,
            "evolution_rows": figures.evolution,
            "domain_chart": charts.bar_chart(
                title="Personnes en difficulté importante ou bloquante, par domaine de vie",
                bars=[(label, n.shown) for _k, label, n, _b in figures.domains],
                chart_id="besoins-domaines",
            ),
            "evolution_chart": charts.line_chart(
                title="Évolution sur cinq ans",
                years=[y for y, _p, _u in figures.evolution],
                series=[
                    (
                        "Personnes en difficulté",
                        [p.shown or None for _y, p, _u in figures.evolution],
                    ),
                    ("Situations d'urgence", [u.shown or None for _y, _p, u in figures.evolution]),
                ],
                chart_id="besoins-evolution",
            ),
            "gaps": gaps,
            "gap_rows": gap_rows(gaps, figures),
            "gap_chart": charts.gap_chart(gaps),
            "gap_map": charts.gap_map(gaps),
            "pooling": territory_services.pooling_active(request.organisation.pk),
            "may_manage": can_manage_territory(request.membership),
        },
    )


@organisation_required
@require_POST
def pooling(request: HttpRequest) -> HttpResponse:
    try:
        if request.POST.get("action") == "withdraw":
            territory_services.pooling_withdraw(membership=request.membership)
            messages.success(
                request,
                "Les chiffres de la structure ne sont plus mutualisés à partir de maintenant.",
            )
        else:
            territory_services.pooling_agree(membership=request.membership)
            messages.success(
                request,
                "Accord enregistré : les diagnostics de la structure comptent, agrégés et "
                "anonymisés, dans les besoins observés des territoires.",
            )
    except DomainPermissionDenied as error:
        raise PermissionDenied(error.message) from error
    return redirect("territory:home")
