"""What an active member of a coordination team adds to the person's record: a step of an
open pathway (carried by themselves unless they say otherwise), a note shared with the
team (the person's organisation reads it too), an appointment they hold with the person.
Each asks the capability the shared categories give (`relais.people.policies.can`).

`new_step` and `lock_open_pathway` are also how a case conference's decisions become
steps (`relais.network.coordination.conferences`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import clean_text
from relais.network.coordination.checks import check_date
from relais.pathways import notes as note_services
from relais.pathways.models import (
    Appointment,
    Note,
    NoteVisibility,
    Pathway,
    PathwayStatus,
    Step,
    StepKind,
    StepOwner,
    StepStatus,
)
from relais.pathways.notes import APPOINTMENT_MAX_MINUTES, APPOINTMENT_MIN_MINUTES
from relais.people.models import Person
from relais.people.policies import Capability, can

# Step kinds a team member or a case conference may add (referrals have their own flow).
ADDABLE_STEP_KINDS = tuple(k for k in StepKind if k != StepKind.REFERRAL)


def _ensure(membership: Membership, actor: User, capability: Capability, person: Person) -> None:
    if membership is None or membership.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Vous n'agissez pas pour cette structure.")
    if not can(membership, capability, person):
        raise PermissionDenied("Cette information n'est pas partagée avec vous.")


def partner_label(actor: User, organisation: Organisation) -> str:
    name = actor.get_full_name() or actor.email
    return f"{name} ({organisation.name})"[:200]


def new_step(
    *,
    pathway: Pathway,
    actor: User,
    kind: str,
    title: str,
    owner: str,
    owner_name: str = "",
    planned_on: dt.date | None = None,
    field_prefix: str = "",
) -> Step:
    """Create a planned step in an open pathway (the pathway row is locked by the
    caller). Same field rules as the pathway's own step form."""
    if pathway.status != PathwayStatus.ACTIVE:
        raise DomainError(
            "Ce parcours est terminé : il ne peut plus recevoir d'étape.",
            field=f"{field_prefix}pathway",
        )
    title = clean_text(title)
    if not title:
        raise DomainError("Décrivez l'action.", field=f"{field_prefix}title")
    if len(title) > 300:
        raise DomainError("300 caractères au plus.", field=f"{field_prefix}title")
    if kind not in ADDABLE_STEP_KINDS:
        raise DomainError("Choisissez le type d'action.", field=f"{field_prefix}kind")
    if owner not in StepOwner.values:
        raise DomainError("Indiquez qui porte l'action.", field=f"{field_prefix}owner")
    owner_name = clean_text(owner_name) if owner == StepOwner.PARTNER else ""
    if owner == StepOwner.PARTNER and not owner_name:
        raise DomainError(
            "Indiquez le professionnel ou la structure qui porte l'étape.",
            field=f"{field_prefix}owner_name",
        )
    if len(owner_name) > 200:
        raise DomainError("200 caractères au plus.", field=f"{field_prefix}owner_name")
    check_date(planned_on, f"{field_prefix}planned_on", "La date prévue")
    return Step.objects.create(
        pathway=pathway,
        kind=kind,
        title=title,
        owner=owner,
        owner_name=owner_name,
        planned_on=planned_on,
        status=StepStatus.PLANNED,
        updated_by=actor,
    )


def lock_open_pathway(person: Person, pathway: Pathway | None, field: str = "pathway") -> Pathway:
    if pathway is None:
        raise DomainError("Choisissez le parcours.", field=field)
    current = (
        Pathway.objects.select_for_update()
        .select_related("referent")
        .filter(pk=pathway.pk, person=person)
        .first()
    )
    if current is None:
        raise DomainError("Ce parcours n'est pas celui de cette personne.", field=field)
    if current.status != PathwayStatus.ACTIVE:
        raise DomainError("Ce parcours est terminé : il ne peut plus être modifié.", field=field)
    current.person = person
    return current


@transaction.atomic
def team_step_add(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    pathway: Pathway,
    kind: str,
    title: str,
    planned_on: dt.date | None = None,
    owner: str = StepOwner.PARTNER,
    owner_name: str = "",
) -> Step:
    """A co-following professional adds a step to the person's pathway; by default they
    carry it themselves ("Un autre professionnel": their name and organisation)."""
    _ensure(membership, actor, Capability.ADD_STEP, person)
    current = lock_open_pathway(person, pathway)
    if owner == StepOwner.PARTNER and not clean_text(owner_name):
        owner_name = partner_label(actor, membership.organisation)
    return new_step(
        pathway=current,
        actor=actor,
        kind=kind,
        title=title,
        owner=owner,
        owner_name=owner_name,
        planned_on=planned_on,
    )


@transaction.atomic
def team_note_add(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    kind: str,
    occurred_on: dt.date,
    body: str,
    writing_flags: list[dict[str, str]] | None = None,
) -> Note:
    """A co-following professional writes a note, shared with the team (the person's
    organisation reads it too)."""
    _ensure(membership, actor, Capability.ADD_NOTE, person)
    return note_services.note_create(
        person=person,
        author=actor,
        kind=kind,
        occurred_on=occurred_on,
        body=body,
        visibility=NoteVisibility.TEAM,
        writing_flags=writing_flags,
    )


@transaction.atomic
def team_appointment_add(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    starts_at: dt.datetime,
    purpose: str,
    duration_minutes: int = 45,
    location: str = "",
) -> Appointment:
    """A co-following professional records an appointment they hold with the person."""
    _ensure(membership, actor, Capability.ADD_APPOINTMENT, person)
    if starts_at is None or timezone.is_naive(starts_at):
        raise DomainError("Indiquez la date et l'heure du rendez-vous.", field="starts_at")
    check_date(timezone.localtime(starts_at).date(), "starts_at", "La date du rendez-vous")
    if not APPOINTMENT_MIN_MINUTES <= duration_minutes <= APPOINTMENT_MAX_MINUTES:
        raise DomainError(
            f"La durée doit être comprise entre {APPOINTMENT_MIN_MINUTES} minutes et "
            f"{APPOINTMENT_MAX_MINUTES // 60} heures.",
            field="duration_minutes",
        )
    purpose = clean_text(purpose)
    if not purpose:
        raise DomainError("Indiquez l'objet du rendez-vous.", field="purpose")
    if len(purpose) > 200:
        raise DomainError("200 caractères au plus.", field="purpose")
    location = clean_text(location)
    if len(location) > 200:
        raise DomainError("200 caractères au plus.", field="location")
    return Appointment.objects.create(
        person=person,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        purpose=purpose,
        with_user=actor,
    )
