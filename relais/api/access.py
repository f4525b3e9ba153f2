"""Scoping helpers shared by the API routers: the caller's membership in the organisation
of the path, and the person (or a record hanging from a person) they act on.

Every refusal is journaled as denied: 404 when the record is outside the caller's reach
(its existence stays hidden), 403 when visible but not for this role."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from relais.accounts.models import Membership
from relais.core.errors import PermissionDenied
from relais.people.access import record_denied, record_person_denied
from relais.people.models import Person
from relais.people.policies import Capability, can, capability_label, hides

FORBIDDEN_MESSAGES = {
    Capability.ACCOMPANIMENT: (
        "Votre rôle dans cette structure ne donne pas accès à l'accompagnement de la "
        "personne (situation, diagnostic, parcours)."
    ),
    Capability.REASSIGN: "Réservé aux responsables de la structure.",
}


def acting_membership(request: HttpRequest, organisation_id: int) -> Membership:
    """The caller's active membership in `organisation_id`; any other organisation is a
    404. It becomes `request.membership` / `request.organisation` (read by the journal)."""
    membership = (
        Membership.objects.active()
        .filter(user=request.user, organisation_id=organisation_id)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Http404
    request.membership = membership
    request.organisation = membership.organisation
    return membership


def forbidden(capability: Capability) -> PermissionDenied:
    return PermissionDenied(
        FORBIDDEN_MESSAGES.get(capability, "Votre rôle ne permet pas cette action.")
    )


def person_for(
    request: HttpRequest, organisation_id: int, person_id: int, capability: Capability
) -> tuple[Membership, Person]:
    """The person if visible to the caller (else 404) and if their role has `capability`
    on it (else 403); both refusals are journaled as denied."""
    membership = acting_membership(request, organisation_id)
    person = (
        Person.objects.visible_to(membership)
        .select_related("referent")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        record_person_denied(request, person_id, "API : dossier hors de portée")
        raise Http404
    if not can(membership, capability, person):
        record_person_denied(
            request, person_id, f"API : droit manquant : {capability_label(capability)}"
        )
        if hides(membership, person):  # co-followed person: the API is for own records
            raise Http404
        raise forbidden(capability)
    return membership, person


def person_record_for(
    request: HttpRequest,
    organisation_id: int,
    records: QuerySet,
    record_id: int,
    target_type: str,
) -> tuple[Membership, Person, Model]:
    """A record hanging from a person (a diagnostic, a pathway), taken from `records`, if
    its person is visible to the caller (else 404) and their role accompanies (else 403);
    both refusals journaled as denied. The record's `person` is set."""
    membership = acting_membership(request, organisation_id)
    record = records.filter(pk=record_id, person__in=Person.objects.visible_to(membership)).first()
    if record is None:
        owner = (
            records.model.objects.filter(pk=record_id)
            .values_list("person_id", "person__organisation_id")
            .first()
        )
        record_denied(
            request,
            target_type=target_type,
            target_id=record_id,
            person_id=owner[0] if owner else None,
            organisation_id=owner[1] if owner else None,
            reason="API : dossier hors de portée",
        )
        raise Http404
    person = Person.objects.select_related("referent").get(pk=record.person_id)
    if not can(membership, Capability.ACCOMPANIMENT, person):
        record_person_denied(
            request,
            person.pk,
            f"API : droit manquant : {capability_label(Capability.ACCOMPANIMENT)}",
        )
        if hides(membership, person):  # co-followed person: the API is for own records
            raise Http404
        raise forbidden(Capability.ACCOMPANIMENT)
    record.person = person
    return membership, person, record
