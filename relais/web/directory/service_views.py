"""Directory pages of services: a service's page, its form (data·inclusion fields, stale
versions kept with the user's input), its confirmation and its publication."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from relais.network.directory import policies
from relais.network.directory import services as services_catalogue
from relais.network.directory.models import Service
from relais.network.directory.staleness import STALE_AFTER_MONTHS, is_stale
from relais.web.directory.common import (
    active_organisation,
    editable_service,
    service_facts,
    visible_service,
)
from relais.web.directory.fields import commune_initial
from relais.web.directory.service_forms import ServiceForm, service_initial
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission


@organisation_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = visible_service(request, pk)
    editable = policies.can_manage_services(request.membership, service.organisation)
    return render(
        request,
        "network/directory/service_detail.html",
        {
            "service": service,
            "organisation": service.organisation,
            "facts": service_facts(service),
            "editable": editable,
            "stale": editable and is_stale(service),
            "stale_text": "Ce service n'a pas été confirmé à jour depuis plus de "
            f"{STALE_AFTER_MONTHS} mois.",
        },
    )


def _service_form_page(request, form, organisation, service=None, stale=None) -> HttpResponse:
    return render(
        request,
        "network/directory/service_form.html",
        {
            "form": form,
            "organisation": organisation,
            "service": service,
            "stale": stale,
            "stale_facts": service_facts(stale) if stale is not None else None,
            "thematique_groups": form.thematique_groups(),
        },
    )


@organisation_required
@once_per_submission
def service_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = active_organisation(pk)
    if not policies.can_manage_services(request.membership, organisation):
        raise PermissionDenied
    form = ServiceForm(
        request.POST or None,
        initial={
            "commune": commune_initial(organisation.commune_code),
            "mobilisable_par": ["professionnels"],
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services_catalogue.service_create(
                organisation=organisation, actor=request.user, **form.service_values()
            ),
        )
        if saved.ok:
            messages.success(request, f"Service « {saved.result.name} » ajouté et publié.")
            return redirect("directory:service", pk=saved.result.pk)
    return _service_form_page(request, form, organisation)


@organisation_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = editable_service(request, pk)
    form = ServiceForm(request.POST or None, initial=service_initial(service))
    stale = None
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or service.version
        saved = save_form(
            form,
            lambda: services_catalogue.service_update(
                service=service,
                expected_version=version,
                actor=request.user,
                **form.service_values(),
            ),
            reload=lambda: Service.objects.select_related("organisation").get(pk=service.pk),
        )
        stale = saved.stale
        if saved.ok:
            messages.success(request, f"Service « {saved.result.name} » enregistré.")
            return redirect("directory:service", pk=service.pk)
    return _service_form_page(request, form, service.organisation, service, stale)


@organisation_required
@require_POST
def service_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    service = editable_service(request, pk)
    services_catalogue.service_confirm(service=service, actor=request.user)
    messages.success(request, f"Merci : « {service.name} » est confirmé à jour aujourd'hui.")
    if request.POST.get("retour") == "structure":
        return redirect("directory:organisation", pk=service.organisation_id)
    return redirect("directory:service", pk=service.pk)


@organisation_required
@require_POST
def service_publication(request: HttpRequest, pk: int) -> HttpResponse:
    service = editable_service(request, pk)
    if request.POST.get("publier") == "1":
        services_catalogue.service_publish(service=service, actor=request.user)
        messages.success(request, f"« {service.name} » est de nouveau publié dans l'annuaire.")
    else:
        services_catalogue.service_unpublish(service=service, actor=request.user)
        messages.success(
            request,
            f"« {service.name} » n'est plus publié : il n'apparaît plus dans l'annuaire, la "
            "recherche ni les données publiques. Les orientations déjà envoyées sont conservées.",
        )
    return redirect("directory:service", pk=service.pk)
