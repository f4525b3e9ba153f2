"""A person's erasure and rectification requests (art. 16 and 17 RGPD), tracked against
their legal deadline: one month from receipt, extensible by two further months when the
request is complex, the person being told why within the first month (art. 12.3 RGPD).

An accepted erasure request runs the same erasure as the retention job
(relais.records.erasure); the request itself is kept, its texts blanked."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.core.text import clean_text
from relais.pathways.checks import add_months
from relais.people.models import Person
from relais.records.archive import acting_membership
from relais.records.erasure import person_erase
from relais.records.models import (
    ErasureCause,
    RequestKind,
    RequestSource,
    RequestStatus,
    RightsRequest,
)
from relais.records.policies import can_manage_lifecycle, can_record_request

DEADLINE_MONTHS = 1
EXTENSION_MONTHS = 2
# The RGPD applies since 25/05/2018: no request can have been received earlier.
EARLIEST_RECEIPT = dt.date(2018, 5, 25)


def _text(value: str, *, field: str, limit: int, missing: str) -> str:
    value = clean_text(value or "").strip()
    if not value:
        raise DomainError(missing, field=field)
    if len(value) > limit:
        raise DomainError(f"{limit} caractères au plus.", field=field)
    return value


def is_overdue(request: RightsRequest, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return request.status == RequestStatus.OPEN and request.due_on < today


@transaction.atomic
def rights_request_record(
    *,
    person: Person,
    actor: User,
    kind: str,
    received_on: dt.date,
    details: str,
    today: dt.date | None = None,
) -> RightsRequest:
    today = today or timezone.localdate()
    if not can_record_request(acting_membership(actor, person.organisation_id), person):
        raise PermissionDenied("Vous ne pouvez pas enregistrer de demande pour ce dossier.")
    errors: list[DomainError] = []
    if kind not in RequestKind.values:
        errors.append(DomainError("Choisissez le type de demande.", field="kind"))
    if not isinstance(received_on, dt.date):
        errors.append(DomainError("Indiquez la date de réception.", field="received_on"))
    elif received_on > today:
        errors.append(
            DomainError("La date de réception ne peut pas être dans le futur.", field="received_on")
        )
    elif received_on < EARLIEST_RECEIPT:
        errors.append(
            DomainError(
                "La date de réception précède l'entrée en vigueur du RGPD.", field="received_on"
            )
        )
    try:
        details = _text(
            details, field="details", limit=3000, missing="Indiquez ce que la personne demande."
        )
    except DomainError as error:
        errors.append(error)
    if errors:
        raise errors[0]
    request = RightsRequest.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        kind=kind,
        received_on=received_on,
        details=details,
        due_on=add_months(received_on, DEADLINE_MONTHS),
        recorded_by=actor,
    )
    return request  # journaled by the caller (the page that recorded it)


def rights_request_from_person(
    *, person: Person, kind: str, details: str, today: dt.date | None = None
) -> RightsRequest:
    """A request the person makes themselves from their space: received today, due in one
    month, recorded by no professional (`source` says so). The caller (the space's service)
    has checked the person is signed in, and journals it as the person."""
    today = today or timezone.localdate()
    if kind not in RequestKind.values:
        raise DomainError("Choisissez le type de demande.", field="kind")
    details = _text(details, field="body", limit=3000, missing="Écrivez ce qu'il faut corriger.")
    return RightsRequest.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        kind=kind,
        received_on=today,
        details=details,
        due_on=add_months(today, DEADLINE_MONTHS),
        source=RequestSource.PERSON_SPACE,
        recorded_by=None,
    )


def _locked_open(request: RightsRequest) -> RightsRequest:
    current = RightsRequest.objects.select_for_update().filter(pk=request.pk).first()
    if current is None or current.status != RequestStatus.OPEN:
        raise DomainError("Cette demande est déjà close.")
    return current


def _check_manager(actor: User, request: RightsRequest) -> None:
    if not can_manage_lifecycle(
        acting_membership(actor, request.organisation_id), request.organisation_id
    ):
        raise PermissionDenied("Seuls les responsables de la structure décident des demandes.")


@transaction.atomic
def rights_request_extend(
    *, request: RightsRequest, actor: User, reason: str, today: dt.date | None = None
) -> RightsRequest:
    """Extend the deadline by two months: once, within the first month, with a reason."""
    today = today or timezone.localdate()
    _check_manager(actor, request)
    current = _locked_open(request)
    if current.is_extended:
        raise DomainError("Le délai a déjà été prolongé : il ne peut l'être qu'une fois.")
    if today > current.due_on:
        raise DomainError(
            "Le délai d'un mois est dépassé : la prolongation devait être décidée, et la "
            "personne prévenue, dans le premier mois."
        )
    reason = _text(
        reason,
        field="reason",
        limit=500,
        missing="Indiquez le motif de la prolongation (complexité, nombre de demandes…).",
    )
    current.extended_reason = reason
    current.due_on = add_months(current.received_on, DEADLINE_MONTHS + EXTENSION_MONTHS)
    current.save(update_fields=["extended_reason", "due_on", "updated_at"])
    journal.record(
        actor=actor,
        action=JournalAction.UPDATE,
        target=current,
        summary=f"délai prolongé jusqu'au {current.due_on:%d/%m/%Y}",
    )
    return current


@transaction.atomic
def rights_request_close(
    *,
    request: RightsRequest,
    actor: User,
    decision: str,
    reason: str = "",
    today: dt.date | None = None,
) -> RightsRequest:
    """Close the request with the decision. `done` on an erasure request erases the record
    (relais.records.erasure); `refused` needs the reason told to the person."""
    today = today or timezone.localdate()
    _check_manager(actor, request)
    current = _locked_open(request)
    if decision not in (RequestStatus.DONE, RequestStatus.REFUSED):
        raise DomainError("Choisissez la décision.", field="decision")
    reason = clean_text(reason or "").strip()
    if len(reason) > 3000:
        raise DomainError("3000 caractères au plus.", field="reason")
    if decision == RequestStatus.REFUSED and not reason:
        raise DomainError(
            "Un refus doit être motivé : indiquez le motif communiqué à la personne.",
            field="reason",
        )
    erased = None
    if decision == RequestStatus.DONE and current.kind == RequestKind.ERASURE:
        if current.person_id is None:
            raise DomainError("Ce dossier a déjà été effacé.")
        person = Person.objects.get(pk=current.person_id)
        erased = person_erase(
            person=person,
            actor=actor,
            cause=ErasureCause.REQUEST,
            today=today,
            journal_summary="dossier effacé à la demande de la personne (art. 17 RGPD)",
        )
        current.refresh_from_db()
        reason = ""  # the erased record's request keeps no text
    current.status = decision
    current.decision_reason = reason
    current.closed_on = today
    current.closed_by = actor
    if erased is not None:
        current.erased_record = erased
    current.save()
    journal.record(
        actor=actor,
        action=JournalAction.UPDATE,
        target_type="records.rightsrequest",
        target_id=current.pk,
        person_id=current.person_id,
        organisation=current.organisation_id,
        summary=f"demande close : {current.get_status_display().lower()}",
    )
    return current


def open_requests(organisation_id: int):
    """The organisation's open requests, the most urgent first (for managers)."""
    return (
        RightsRequest.objects.filter(organisation_id=organisation_id, status=RequestStatus.OPEN)
        .select_related("person")
        .order_by("due_on", "pk")
    )
