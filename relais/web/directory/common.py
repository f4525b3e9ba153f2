"""What the directory's pages share: finding the organisation or the service of a URL
(404 when out of reach, 403 when seen but not theirs to change) and the French labels of
their facts.

Organisations and services are not personal data: nothing is journaled in the directory's
pages, and no person is ever shown (only organisations' own contact details)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from relais.accounts.models import Organisation, OrganisationKind
from relais.core.communes import get_commune
from relais.network.directory import policies, thematiques
from relais.network.directory.datainclusion import schema
from relais.network.directory.models import Service


def commune_label(code: str) -> str:
    commune = get_commune(code) if code else None
    return commune.name if commune else code


def active_organisation(pk: int) -> Organisation:
    return get_object_or_404(Organisation, pk=pk, is_active=True)


def visible_service(request: HttpRequest, pk: int) -> Service:
    service = get_object_or_404(Service.objects.select_related("organisation"), pk=pk)
    if not policies.can_view_service(request.membership, service):
        raise Http404
    return service


def editable_service(request: HttpRequest, pk: int) -> Service:
    """404 when the user may not even see it (unpublished elsewhere), 403 when they see it
    but it is not theirs to change."""
    service = visible_service(request, pk)
    if not policies.can_manage_services(request.membership, service.organisation):
        raise PermissionDenied
    return service


def organisation_facts(organisation: Organisation) -> dict:
    return {
        "kind": OrganisationKind(organisation.kind).label
        if organisation.kind in OrganisationKind.values
        else organisation.kind,
        "commune": commune_label(organisation.commune_code),
        "networks": schema.labels("reseaux_porteurs", organisation.networks),
    }


def service_facts(service: Service) -> dict:
    zone = []
    for code in service.zone_eligibilite or ():
        commune = get_commune(code) if len(code) == 5 and not code.startswith("99") else None
        if code in ("france", "99100"):
            zone.append("France entière")
        elif commune is not None:
            zone.append(f"{commune.name} ({code})")
        elif len(code) == 9:
            zone.append(f"EPCI {code}")
        else:
            zone.append(f"Département {code}")
    return {
        "type": schema.label("type", service.type) if service.type else "",
        "thematiques": thematiques.labels(service.thematiques),
        "publics": schema.labels("publics", service.publics),
        "frais": schema.labels("frais", service.frais),
        "modes_accueil": schema.labels("modes_accueil", service.modes_accueil),
        "modes_mobilisation": schema.labels("modes_mobilisation", service.modes_mobilisation),
        "mobilisable_par": schema.labels("mobilisable_par", service.mobilisable_par),
        "zone": zone,
        "commune": commune_label(service.commune_code),
    }
