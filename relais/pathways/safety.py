"""Incidents and safety flags (referential 2.3: difficult situations).

Rules decided here (the issue left them open):
- recording an incident and raising or lifting a flag belong to the accompaniment (référents
  and managers of the person's organisation); reception sees the active flags only;
- an incident is written in neutral words: the writing check (`writing_check`) runs in the
  form as a warning, and the words the author kept anyway are stored with the incident;
- a flag is lifted with a reason (never deleted); an incident's follow-up is closed with a
  short account, once;
- managers see every incident whose follow-up is still open in their organisation.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from relais.accounts.models import Organisation, User
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.pathways.checks import check_date, check_not_future, ensure_allowed, validate
from relais.pathways.safety_models import (
    Incident,
    IncidentStatus,
    SafetyFlag,
    SafetyFlagKind,
)
from relais.people.models import Person

# The workflow of an incident's follow-up: from → allowed destinations.
INCIDENT_TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentStatus.OPEN: frozenset({IncidentStatus.CLOSED}),
    IncidentStatus.CLOSED: frozenset(),
}


def check_lift_reason(reason: str) -> str:
    """A flag is never lifted silently: whoever receives the person next must be able to
    learn why the instruction no longer holds."""
    reason = clean_text(reason)
    if len(reason) < 5:
        raise DomainError(
            "Indiquez le motif de la levée (au moins quelques mots) : la consigne ne peut pas "
            "être levée sans motif.",
            field="reason",
        )
    return reason


def _check_kind(kind: str, instruction: str) -> None:
    if kind not in SafetyFlagKind.values:
        raise DomainError("Choisissez une consigne dans la liste.", field="kind")
    if kind == SafetyFlagKind.OTHER and not instruction:
        raise DomainError("Précisez la consigne « Autre ».", field="instruction")


@transaction.atomic
def incident_record(
    *,
    person: Person,
    actor: User,
    occurred_on: dt.date,
    description: str,
    follow_up: str,
    present: str = "",
    writing_flags: list | None = None,
    flag_kind: str = "",
    flag_instruction: str = "",
    review_on: dt.date | None = None,
) -> Incident:
    """Record an incident and, if `flag_kind` is given, raise the flag it calls for."""
    ensure_allowed(actor, person)
    values = {
        "occurred_on": occurred_on,
        "description": clean_text(description),
        "present": clean_text(present),
        "follow_up": clean_text(follow_up),
    }
    if not values["description"]:
        raise DomainError("Décrivez ce qui s'est passé.", field="description")
    if not values["follow_up"]:
        raise DomainError("Indiquez la suite décidée.", field="follow_up")
    check_date(occurred_on, "occurred_on", "La date de l'incident")
    check_not_future(occurred_on, "occurred_on", "La date de l'incident")
    incident = Incident(
        organisation_id=person.organisation_id,
        person=person,
        author=actor,
        writing_flags=writing_flags or [],
        **values,
    )
    validate(incident, values)
    incident.save()
    if flag_kind:
        flag_raise(
            person=person,
            actor=actor,
            kind=flag_kind,
            instruction=flag_instruction,
            review_on=review_on,
            incident=incident,
        )
    return incident


@transaction.atomic
def incident_close(*, incident: Incident, actor: User, closing_note: str) -> Incident:
    current = Incident.objects.select_for_update().select_related("person").get(pk=incident.pk)
    ensure_allowed(actor, current.person)
    if IncidentStatus.CLOSED not in INCIDENT_TRANSITIONS[current.status]:
        raise DomainError("Le suivi de cet incident est déjà terminé.")
    closing_note = clean_text(closing_note)
    if not closing_note:
        raise DomainError("Indiquez le bilan du suivi avant de le terminer.", field="closing_note")
    current.status = IncidentStatus.CLOSED
    current.closed_at = timezone.now()
    current.closed_by = actor
    current.closing_note = closing_note
    validate(current, ["closing_note"])
    current.save(update_fields=["status", "closed_at", "closed_by", "closing_note", "updated_at"])
    return current


@transaction.atomic
def flag_raise(
    *,
    person: Person,
    actor: User,
    kind: str,
    instruction: str = "",
    review_on: dt.date | None = None,
    incident: Incident | None = None,
) -> SafetyFlag:
    ensure_allowed(actor, person)
    instruction = clean_text(instruction)
    _check_kind(kind, instruction)
    check_date(review_on, "review_on", "La date de réexamen")
    if review_on is not None and review_on < timezone.localdate():
        raise DomainError("La date de réexamen est déjà passée.", field="review_on")
    if SafetyFlag.objects.filter(
        person=person, kind=kind, instruction=instruction, lifted_at__isnull=True
    ).exists():
        raise DomainError("Cette consigne est déjà active pour cette personne.", field="kind")
    flag = SafetyFlag(
        organisation_id=person.organisation_id,
        person=person,
        incident=incident,
        kind=kind,
        instruction=instruction,
        review_on=review_on,
        raised_by=actor,
    )
    validate(flag, ["instruction"])
    flag.save()
    return flag


@transaction.atomic
def flag_lift(*, flag: SafetyFlag, actor: User, reason: str) -> SafetyFlag:
    current = SafetyFlag.objects.select_for_update().select_related("person").get(pk=flag.pk)
    ensure_allowed(actor, current.person)
    reason = check_lift_reason(reason)
    if current.lifted_at is not None:
        raise DomainError("Cette consigne a déjà été levée.")
    current.lifted_at = timezone.now()
    current.lifted_by = actor
    current.lift_reason = reason
    validate(current, ["lift_reason"])
    current.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
    return current


# --- Reads ----------------------------------------------------------------------------------


def active_flags(person: Person) -> list[SafetyFlag]:
    """What whoever receives the person must know: the instruction, not the incident."""
    return list(active_flags_of(person.pk))


def active_flags_of(person_id: int) -> QuerySet[SafetyFlag]:
    return SafetyFlag.objects.filter(person_id=person_id, lifted_at__isnull=True)


def open_incidents(organisation: Organisation) -> QuerySet[Incident]:
    """The managers' list: incidents whose follow-up is still open, oldest first."""
    return (
        Incident.objects.filter(organisation=organisation, status=IncidentStatus.OPEN)
        .select_related("person", "author")
        .order_by("occurred_on", "id")
    )
