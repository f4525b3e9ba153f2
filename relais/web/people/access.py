"""Fetching a person for a view: visibility, capability and journal in one place."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from relais.people.access import record_person_denied
from relais.people.lookup import visible_person
from relais.people.models import Person
from relais.people.policies import Capability, can, capability_label, hides


def get_person(
    request: HttpRequest, pk: int, capability: Capability = Capability.IDENTITY
) -> Person:
    """The person `pk` if the current user may use `capability` on it. Otherwise the
    attempt is journaled as denied, then 404 (record not visible, or a category not
    shared with a co-following professional: its existence stays hidden) or 403
    (the user's own organisation, but not for this role)."""
    person = visible_person(request.membership, pk)
    if person is None:
        record_person_denied(request, pk, "dossier hors de portée")
        raise Http404
    if not can(request.membership, capability, person):
        if hides(request.membership, person):
            record_person_denied(
                request, pk, f"catégorie non partagée : {capability_label(capability)}"
            )
            raise Http404
        record_person_denied(request, pk, f"droit manquant : {capability_label(capability)}")
        raise PermissionDenied
    return person
