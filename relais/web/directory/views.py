"""The directory (annuaire): organisations of the platform and partners "hors plateforme",
their services (data·inclusion fields), the public data·inclusion JSON of a structure, and
the import / export of data·inclusion files.

Organisations and services are not personal data: nothing is journaled here, and no
person is ever shown (only organisations' own contact details)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from relais.accounts.models import Organisation, OrganisationKind
from relais.core.communes import get_commune
from relais.network.directory import datainclusion, policies
from relais.network.directory import services as services_catalogue
from relais.network.directory.geo import CommuneLookupError, is_departement_code, resolve_commune
from relais.network.directory.models import Service
from relais.web.directory import forms
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import organisation_required

PAGE_SIZE = 20
MAX_ERRORS_SHOWN = 1000


# --- Helpers -------------------------------------------------------------------------------


def _commune_label(code: str) -> str:
    commune = get_commune(code) if code else None
    return commune.name.title() if commune else code


def _organisation(pk: int) -> Organisation:
    return get_object_or_404(Organisation, pk=pk, is_active=True)


def _service(request: HttpRequest, pk: int) -> Service:
    service = get_object_or_404(Service.objects.select_related("organisation"), pk=pk)
    if not policies.can_view_service(request.membership, service):
        raise Http404
    return service


def _editable_service(request: HttpRequest, pk: int) -> Service:
    """404 when the user may not even see it (unpublished elsewhere), 403 when they see it
    but it is not theirs to change."""
    service = _service(request, pk)
    if not policies.can_manage_services(request.membership, service.organisation):
        raise PermissionDenied
    return service


def _organisation_facts(organisation: Organisation) -> dict:
    return {
        "kind": OrganisationKind(organisation.kind).label
        if organisation.kind in OrganisationKind.values
        else organisation.kind,
        "commune": _commune_label(organisation.commune_code),
        "networks": datainclusion.labels("reseaux_porteurs", organisation.networks),
    }


def _service_facts(service: Service) -> dict:
    zone = []
    for code in service.zone_eligibilite or ():
        commune = get_commune(code) if len(code) == 5 and not code.startswith("99") else None
        if code in ("france", "99100"):
            zone.append("France entière")
        elif commune is not None:
            zone.append(f"{commune.name.title()} ({code})")
        elif len(code) == 9:
            zone.append(f"EPCI {code}")
        else:
            zone.append(f"Département {code}")
    return {
        "type": datainclusion.label("type", service.type) if service.type else "",
        "thematiques": [datainclusion.thematique_label(t) for t in service.thematiques or ()],
        "publics": datainclusion.labels("publics", service.publics),
        "frais": datainclusion.labels("frais", service.frais),
        "modes_accueil": datainclusion.labels("modes_accueil", service.modes_accueil),
        "modes_mobilisation": datainclusion.labels(
            "modes_mobilisation", service.modes_mobilisation
        ),
        "mobilisable_par": datainclusion.labels("mobilisable_par", service.mobilisable_par),
        "zone": zone,
        "commune": _commune_label(service.commune_code),
    }


# --- Directory -----------------------------------------------------------------------------


def _filter(form: forms.DirectoryFilterForm, organisations):
    if not form.is_valid():
        return organisations
    data = form.cleaned_data
    if data["q"]:
        text = data["q"].strip()
        digits = "".join(c for c in text if c.isdigit())
        matching_service = Service.objects.filter(
            organisation=OuterRef("pk"), is_published=True, name__icontains=text
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
    form = forms.DirectoryFilterForm(request.GET or None)
    editable = policies.editable_organisation_ids(request.membership)
    organisations = _filter(form, Organisation.objects.filter(is_active=True))
    organisations = organisations.annotate(
        published_services=Count("services", filter=Q(services__is_published=True)),
        stale_services=Count(
            "services",
            filter=services_catalogue.stale_q(prefix="services__") & Q(pk__in=editable or [0]),
        ),
    ).order_by("name", "pk")
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"organisation": o, "editable": o.pk in editable, **_organisation_facts(o)}
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
            "stale_months": services_catalogue.STALE_AFTER_MONTHS,
        },
    )


@organisation_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(pk)
    editable = policies.can_edit_organisation(request.membership, organisation)
    services = organisation.services.order_by("name", "pk")
    if not editable:
        services = services.filter(is_published=True)
    service_rows = [
        {
            "service": s,
            "stale": editable and services_catalogue.is_stale(s),
            "thematiques": [datainclusion.thematique_label(t) for t in (s.thematiques or [])[:4]],
            "more_thematiques": max(0, len(s.thematiques or []) - 4),
            "commune": _commune_label(s.commune_code),
        }
        for s in services
    ]
    stale_count = sum(1 for r in service_rows if r["stale"])
    return render(
        request,
        "network/directory/organisation_detail.html",
        {
            "organisation": organisation,
            "facts": _organisation_facts(organisation),
            "editable": editable,
            "service_rows": service_rows,
            "stale_count": stale_count,
            "stale_plural": stale_count > 1,
            "stale_text": (
                f"{stale_count} services de cette structure n'ont pas été confirmés à jour "
                f"depuis plus de {services_catalogue.STALE_AFTER_MONTHS} mois."
                if stale_count > 1
                else "Un service de cette structure n'a pas été confirmé à jour depuis plus de "
                f"{services_catalogue.STALE_AFTER_MONTHS} mois."
            ),
            "is_own": organisation.pk == request.organisation.pk,
            "can_import": policies.can_import(request.membership)
            and organisation.pk == request.organisation.pk,
            "stale_months": services_catalogue.STALE_AFTER_MONTHS,
        },
    )


@organisation_required
def partner_create(request: HttpRequest) -> HttpResponse:
    if not policies.can_create_external_partner(request.membership):
        raise PermissionDenied
    form = forms.PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services_catalogue.external_organisation_create(
                actor=request.user, **forms.organisation_values(form)
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
    organisation = _organisation(pk)
    if not policies.can_edit_organisation(request.membership, organisation):
        raise PermissionDenied
    form_class = forms.PartnerForm if organisation.is_external else forms.OrganisationEntryForm
    form = form_class(request.POST or None, initial=forms.organisation_initial(organisation))
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services_catalogue.organisation_directory_update(
                organisation=organisation,
                actor=request.user,
                **forms.organisation_values(form),
            ),
        )
        if saved.ok:
            messages.success(request, "Fiche de l'annuaire enregistrée.")
            return redirect("directory:organisation", pk=organisation.pk)
    return render(
        request,
        "network/directory/organisation_form.html",
        {"form": form, "organisation": organisation, "is_partner": organisation.is_external},
    )


# --- Services ------------------------------------------------------------------------------


@organisation_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(request, pk)
    editable = policies.can_manage_services(request.membership, service.organisation)
    return render(
        request,
        "network/directory/service_detail.html",
        {
            "service": service,
            "organisation": service.organisation,
            "facts": _service_facts(service),
            "editable": editable,
            "stale": editable and services_catalogue.is_stale(service),
            "stale_text": "Ce service n'a pas été confirmé à jour depuis plus de "
            f"{services_catalogue.STALE_AFTER_MONTHS} mois.",
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
            "stale_facts": _service_facts(stale) if stale is not None else None,
            "thematique_groups": form.thematique_groups(),
        },
    )


@organisation_required
def service_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(pk)
    if not policies.can_manage_services(request.membership, organisation):
        raise PermissionDenied
    form = forms.ServiceForm(
        request.POST or None,
        initial={
            "commune": forms.commune_initial(organisation.commune_code),
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
    service = _editable_service(request, pk)
    form = forms.ServiceForm(request.POST or None, initial=forms.service_initial(service))
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
    service = _editable_service(request, pk)
    services_catalogue.service_confirm(service=service, actor=request.user)
    messages.success(request, f"Merci : « {service.name} » est confirmé à jour aujourd'hui.")
    if request.POST.get("retour") == "structure":
        return redirect("directory:organisation", pk=service.organisation_id)
    return redirect("directory:service", pk=service.pk)


@organisation_required
@require_POST
def service_publication(request: HttpRequest, pk: int) -> HttpResponse:
    service = _editable_service(request, pk)
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


# --- data·inclusion: public JSON, export, import -------------------------------------------


def _json(payload) -> JsonResponse:
    response = JsonResponse(payload, safe=False, json_dumps_params={"ensure_ascii": False})
    # Open data: any site may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def services_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The structure's published services as a list of data·inclusion v1 Service objects.
    Public: no login."""
    organisation = _organisation(pk)
    services = organisation.services.filter(is_published=True).select_related("organisation")
    return _json([datainclusion.service_to_v1(s) for s in services.order_by("name", "pk")])


@require_GET
def structure_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The structure as a data·inclusion v1 Structure object. Public: no login."""
    return _json(datainclusion.structure_to_v1(_organisation(pk)))


EXPORT_FILES = {"datainclusion.json", "structures.csv", "services.csv"}


@organisation_required
@require_GET
def export(request: HttpRequest, scope: str, filename: str) -> HttpResponse:
    """Published structures and services as data·inclusion files: the current
    organisation's (its managers), or the whole directory (any member)."""
    if filename not in EXPORT_FILES or scope not in {"structure", "annuaire"}:
        raise Http404
    if scope == "structure":
        if not policies.can_import(request.membership):
            raise PermissionDenied
        organisations = Organisation.objects.filter(pk=request.organisation.pk)
        prefix = slugify(request.organisation.name)[:40] or "structure"
    else:
        if not policies.can_export_directory(request.membership):
            raise PermissionDenied
        organisations = Organisation.objects.filter(is_active=True)
        prefix = "annuaire"
    organisations = organisations.order_by("pk")
    services = (
        Service.objects.filter(organisation__in=organisations, is_published=True)
        .select_related("organisation")
        .order_by("organisation_id", "pk")
    )
    if filename == "datainclusion.json":
        content = datainclusion.export_json(organisations, services)
        content_type = "application/json; charset=utf-8"
    elif filename == "structures.csv":
        rows = (datainclusion.structure_to_v1(o) for o in organisations)
        content = datainclusion.export_csv(rows, datainclusion.STRUCTURE_FIELDS)
        content_type = "text/csv; charset=utf-8"
    else:
        rows = (datainclusion.service_to_v1(s) for s in services)
        content = datainclusion.export_csv(rows, datainclusion.SERVICE_FIELDS)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{prefix}-{filename}"'
    return response


@organisation_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not policies.can_import(request.membership):
        raise PermissionDenied
    posted = request.method == "POST"
    form = forms.ImportForm(request.POST if posted else None, request.FILES if posted else None)
    report = None
    if posted and form.is_valid():
        report = services_catalogue.catalogue_import(
            form.import_files(), actor=request.user, membership=request.membership
        )
        if report.ok:
            messages.success(request, f"Import réussi : {report.summary()}")
            for notice in report.notices:
                messages.info(request, notice)
            return redirect("directory:import")
    return render(
        request,
        "network/directory/import.html",
        {
            "form": form,
            "report": report,
            "errors_shown": report.errors[:MAX_ERRORS_SHOWN] if report else [],
            "errors_hidden": max(0, len(report.errors) - MAX_ERRORS_SHOWN) if report else 0,
            "max_upload": datainclusion.MAX_UPLOAD_LABEL,
            "organisation": request.organisation,
        },
    )
