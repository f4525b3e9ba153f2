"""Directory pages of organisations: the list with its filters (organisations of the
platform and partners "hors plateforme"), an organisation's page with its services, and
the forms of a partner and of a directory entry."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from relais.accounts.models import Organisation
from relais.network.directory import policies, thematiques
from relais.network.directory import services as services_catalogue
from relais.network.directory.geo import CommuneLookupError, is_departement_code, resolve_commune
from relais.network.directory.models import Service
from relais.network.directory.staleness import STALE_AFTER_MONTHS, is_stale, stale_q
from relais.web.directory.common import (
    active_organisation,
    commune_label,
    organisation_facts,
)
from relais.web.directory.organisation_forms import (
    DirectoryFilterForm,
    OrganisationEntryForm,
    PartnerForm,
    organisation_initial,
    organisation_values,
)
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission

PAGE_SIZE = 20


def _filter(form: DirectoryFilterForm, organisations):
    if not form.is_valid():
        return organisations
    data = form.cleaned_data
    if data["q"]:
        text = data["q"].strip()
        digits = "".join(c for c in text if c.isdigit())
        matching_service = Service.objects.published().filter(
            organisation=OuterRef("pk"), name__icontains=text
        )
        query = (
            Q(name__icontains=text)
            | Q(description__icontains=text)
            | Q(address__icontains=text)
            | Exists(matching_service)
        )
        if len(digits) >= 9 and len(digits) == len(text.replace(" ", "")):
            query |= Q(siret__startswith=digits)
        organisations = organisations.filter(query)
    if data["type"]:
        organisations = organisations.filter(kind=data["type"])
    if data["reseau"]:
        # JSON text search with the quotes: "ei" does not match "eiti".
        organisations = organisations.filter(networks__icontains=f'"{data["reseau"]}"')
    if data["plateforme"]:
        organisations = organisations.filter(is_external=data["plateforme"] == "hors")
    place = data["lieu"].strip()
    if place:
        if len(place) <= 3 and is_departement_code(place):
            organisations = organisations.filter(commune_code__startswith=place.upper())
        else:
            try:
                commune = resolve_commune(place)
            except CommuneLookupError as error:
                form.add_error("lieu", error.message)
                return organisations.none()
            organisations = organisations.filter(commune_code=commune.code)
    return organisations


@organisation_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    editable = policies.editable_organisation_ids(request.membership)
    organisations = _filter(form, Organisation.objects.filter(is_active=True))
    organisations = organisations.annotate(
        published_services=Count("services", filter=Q(services__is_published=True)),
        stale_services=Count(
            "services",
            filter=stale_q(prefix="services__") & Q(pk__in=editable or [0]),
        ),
    ).order_by("name", "pk")
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"organisation": o, "editable": o.pk in editable, **organisation_facts(o)}
        for o in page.object_list
    ]
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v], doseq=False)
    has_filters = any(v for k, v in request.GET.items() if k != "page")
    return render(
        request,
        "network/directory/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "has_filters": has_filters,
            "can_import": policies.can_import(request.membership),
            "stale_months": STALE_AFTER_MONTHS,
        },
    )


@organisation_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = active_organisation(pk)
    editable = policies.can_edit_organisation(request.membership, organisation)
    services = organisation.services.order_by("name", "pk")
    if not editable:
        services = services.published()
    service_rows = [
        {
            "service": s,
            "stale": editable and is_stale(s),
            "thematiques": thematiques.labels(s.thematiques, 4),
            "more_thematiques": max(0, len(s.thematiques or []) - 4),
            "commune": commune_label(s.commune_code),
        }
        for s in services
    ]
    stale_count = sum(1 for r in service_rows if r["stale"])
    return render(
        request,
        "network/directory/organisation_detail.html",
        {
            "organisation": organisation,
            "facts": organisation_facts(organisation),
            "editable": editable,
            "service_rows": service_rows,
            "stale_count": stale_count,
            "stale_plural": stale_count > 1,
            "stale_text": (
                f"{stale_count} services de cette structure n'ont pas été confirmés à jour "
                f"depuis plus de {STALE_AFTER_MONTHS} mois."
                if stale_count > 1
                else "Un service de cette structure n'a pas été confirmé à jour depuis plus de "
                f"{STALE_AFTER_MONTHS} mois."
            ),
            "is_own": organisation.pk == request.organisation.pk,
            "can_import": policies.can_import(request.membership)
            and organisation.pk == request.organisation.pk,
            "stale_months": STALE_AFTER_MONTHS,
        },
    )


@organisation_required
@once_per_submission
def partner_create(request: HttpRequest) -> HttpResponse:
    if not policies.can_create_external_partner(request.membership):
        raise PermissionDenied
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services_catalogue.external_organisation_create(
                actor=request.user, **organisation_values(form)
            ),
        )
        if saved.ok:
            partner = saved.result
            messages.success(
                request,
                f"« {partner.name} » est ajouté à l'annuaire comme partenaire hors plateforme. "
                "Vous pouvez maintenant décrire ses services.",
            )
            return redirect("directory:organisation", pk=partner.pk)
    return render(
        request,
        "network/directory/organisation_form.html",
        {"form": form, "organisation": None, "is_partner": True},
    )


@organisation_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = active_organisation(pk)
    if not policies.can_edit_organisation(request.membership, organisation):
        raise PermissionDenied
    form_class = PartnerForm if organisation.is_external else OrganisationEntryForm
    form = form_class(request.POST or None, initial=organisation_initial(organisation))
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or organisation.version
        saved = save_form(
            form,
            lambda: services_catalogue.organisation_directory_update(
                organisation=organisation,
                actor=request.user,
                expected_version=version,
                **organisation_values(form),
            ),
            reload=lambda: Organisation.objects.get(pk=organisation.pk),
        )
        if saved.ok:
            messages.success(request, "Fiche de l'annuaire enregistrée.")
            return redirect("directory:organisation", pk=organisation.pk)
    return render(
        request,
        "network/directory/organisation_form.html",
        {"form": form, "organisation": organisation, "is_partner": organisation.is_external},
    )
