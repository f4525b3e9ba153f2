"""Fetching a person for a view: visibility, capability and journal in one place."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from relais.core import journal
from relais.core.models import JournalAction
from relais.people.models import Person
from relais.people.policies import Capability, can


def _record_denied(request: HttpRequest, pk: int, reason: str) -> None:
    owner = Person.objects.filter(pk=pk).values_list("organisation_id", flat=True).first()
    journal.record_request(
        request,
        JournalAction.DENIED,
        target_type="people.person",
        target_id=pk,
        person_id=pk if owner is not None else None,
        organisation=owner,
        summary=reason,
    )


def get_person(
    request: HttpRequest, pk: int, capability: Capability = Capability.IDENTITY
) -> Person:
    """The person `pk` if the current user may use `capability` on it. Otherwise the
    attempt is journaled as denied, then 404 (record not visible: its existence stays
    hidden) or 403 (visible, but not for this role)."""
    person = (
        Person.objects.visible_to(request.membership)
        .select_related("referent")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        _record_denied(request, pk, "dossier hors de portée")
        raise Http404
    if not can(request.membership, capability, person):
        _record_denied(request, pk, f"droit manquant : {capability.value}")
        raise PermissionDenied
    return person
