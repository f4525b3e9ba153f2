"""Services for professional writing (notes and their drafts) and appointments.

Notes are written by one professional and read by the organisation, or by their author
alone (`Note.visibility`). Only the author edits a note: what a professional wrote under
their name is not rewritten by a colleague (a colleague adds their own note instead).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership
from relais.core.errors import DomainError, PermissionDenied
from relais.core.versioning import update_versioned
from relais.pathways.models import (
    Appointment,
    Note,
    NoteDraft,
    NoteKind,
    NoteVisibility,
    Participation,
    Pathway,
)
from relais.people.models import Person

# What a draft may hold: the note form's fields, as typed (strings), plus the note being
# edited ("" for a new note).
DRAFT_FIELDS: dict[str, int] = {
    "kind": 20,
    "occurred_on": 20,
    "body": Note._meta.get_field("body").max_length,
    "visibility": 20,
    "pathway": 20,
    "note": 20,
}

APPOINTMENT_MIN_MINUTES = 5
APPOINTMENT_MAX_MINUTES = 8 * 60


def _check_pathway(person: Person, pathway: Pathway | None) -> None:
    if pathway is not None and pathway.person_id != person.pk:
        raise DomainError("Ce parcours n'est pas celui de cette personne.", field="pathway")


def _check_note_fields(*, kind: str, occurred_on: dt.date, body: str, visibility: str) -> str:
    if kind not in NoteKind.values:
        raise DomainError("Choisissez le type d'écrit.", field="kind")
    if visibility not in NoteVisibility.values:
        raise DomainError("Choisissez qui peut lire cet écrit.", field="visibility")
    if occurred_on > timezone.localdate():
        raise DomainError(
            "La date de l'échange ne peut pas être dans le futur : pour un échange à venir, "
            "créez un rendez-vous.",
            field="occurred_on",
        )
    body = (body or "").strip()
    if not body:
        raise DomainError("Écrivez le contenu de l'écrit.", field="body")
    limit = Note._meta.get_field("body").max_length
    if len(body) > limit:
        raise DomainError(
            f"L'écrit est trop long ({len(body)} caractères, {limit} au plus) : "
            "découpez-le en plusieurs écrits.",
            field="body",
        )
    return body


def _clean_flags(writing_flags: list[dict[str, str]] | None) -> list[dict[str, str]]:
    cleaned = []
    for flag in writing_flags or []:
        cleaned.append({k: str(flag.get(k, ""))[:100] for k in ("word", "term", "category")})
    return cleaned


@transaction.atomic
def note_create(
    *,
    person: Person,
    author: Any,
    kind: str,
    occurred_on: dt.date,
    body: str,
    visibility: str = NoteVisibility.ORGANISATION,
    pathway: Pathway | None = None,
    writing_flags: list[dict[str, str]] | None = None,
) -> Note:
    """Record a note. `writing_flags` are the writing-check warnings the author saw and
    chose to keep. The author's draft for this person is deleted: it has become the note."""
    body = _check_note_fields(kind=kind, occurred_on=occurred_on, body=body, visibility=visibility)
    _check_pathway(person, pathway)
    note = Note.objects.create(
        person=person,
        pathway=pathway,
        kind=kind,
        occurred_on=occurred_on,
        body=body,
        visibility=visibility,
        author=author,
        updated_by=author,
        writing_flags=_clean_flags(writing_flags),
    )
    NoteDraft.objects.filter(person=person, author=author).delete()
    return note


@transaction.atomic
def note_update(
    *,
    note: Note,
    actor: Any,
    expected_version: int,
    kind: str,
    occurred_on: dt.date,
    body: str,
    visibility: str,
    pathway: Pathway | None = None,
    writing_flags: list[dict[str, str]] | None = None,
) -> Note:
    """Change a note (its author only), refusing a save based on a stale version."""
    if note.author_id != getattr(actor, "pk", None):
        raise PermissionDenied("Seul l'auteur d'un écrit peut le modifier.")
    body = _check_note_fields(kind=kind, occurred_on=occurred_on, body=body, visibility=visibility)
    _check_pathway(note.person, pathway)
    note = update_versioned(
        note,
        expected_version=expected_version,
        actor=actor,
        changes={
            "kind": kind,
            "occurred_on": occurred_on,
            "body": body,
            "visibility": visibility,
            "pathway": pathway,
            "writing_flags": _clean_flags(writing_flags),
        },
    )
    NoteDraft.objects.filter(person_id=note.person_id, author=actor).delete()
    return note


def _clean_draft(data: dict[str, Any]) -> dict[str, str]:
    if not isinstance(data, dict):
        raise DomainError("Brouillon illisible.")
    cleaned: dict[str, str] = {}
    for key, limit in DRAFT_FIELDS.items():
        value = data.get(key, "")
        if not isinstance(value, str):
            value = "" if value is None else str(value)
        if len(value) > limit:
            raise DomainError(
                f"Le brouillon est trop long ({len(value)} caractères, {limit} au plus).",
                field=key,
            )
        cleaned[key] = value
    return cleaned


@transaction.atomic
def note_draft_save(*, person: Person, author: Any, data: dict[str, Any]) -> NoteDraft | None:
    """Keep what the author is typing (one draft per author and person), so that an expired
    session or a dropped network does not lose a long note.

    A draft whose text is the one of the author's latest saved note is not kept (None is
    returned): it arrives late, after the note it became was saved (an automatic save sent
    just before the author clicked "Enregistrer"), and would come back as a stale draft."""
    cleaned = _clean_draft(data)
    latest_body = (
        Note.objects.filter(person=person, author=author)
        .order_by("-updated_at", "-id")
        .values_list("body", flat=True)
        .first()
    )
    if latest_body is not None and latest_body == cleaned["body"].strip():
        NoteDraft.objects.filter(person=person, author=author).delete()
        return None
    draft, created = NoteDraft.objects.get_or_create(
        person=person, author=author, defaults={"data": cleaned}
    )
    if not created:
        draft.data = cleaned
        draft.save(update_fields=["data", "updated_at"])
    return draft


@transaction.atomic
def note_draft_discard(*, person: Person, author: Any) -> bool:
    """Delete the author's draft for this person. True if there was one."""
    deleted, _ = NoteDraft.objects.filter(person=person, author=author).delete()
    return deleted > 0


def _check_appointment(
    *,
    person: Person,
    starts_at: dt.datetime,
    duration_minutes: int,
    purpose: str,
    with_user: Any,
    pathway: Pathway | None,
) -> str:
    if timezone.is_naive(starts_at):
        raise DomainError("Indiquez la date et l'heure du rendez-vous.", field="starts_at")
    if not APPOINTMENT_MIN_MINUTES <= duration_minutes <= APPOINTMENT_MAX_MINUTES:
        raise DomainError(
            f"La durée doit être comprise entre {APPOINTMENT_MIN_MINUTES} minutes et "
            f"{APPOINTMENT_MAX_MINUTES // 60} heures.",
            field="duration_minutes",
        )
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError("Indiquez l'objet du rendez-vous.", field="purpose")
    is_member = Membership.objects.active().filter(
        user_id=getattr(with_user, "pk", None), organisation_id=person.organisation_id
    )
    if not is_member.exists():
        raise DomainError(
            "Le professionnel choisi n'est pas membre actif de la structure.", field="with_user"
        )
    _check_pathway(person, pathway)
    return purpose


@transaction.atomic
def appointment_create(
    *,
    person: Person,
    actor: Any,
    starts_at: dt.datetime,
    purpose: str,
    with_user: Any,
    duration_minutes: int = 45,
    location: str = "",
    pathway: Pathway | None = None,
) -> Appointment:
    purpose = _check_appointment(
        person=person,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        with_user=with_user,
        pathway=pathway,
    )
    return Appointment.objects.create(
        person=person,
        pathway=pathway,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=(location or "").strip(),
        purpose=purpose,
        with_user=with_user,
    )


@transaction.atomic
def appointment_update(
    *,
    appointment: Appointment,
    actor: Any,
    expected_version: int,
    starts_at: dt.datetime,
    purpose: str,
    with_user: Any,
    duration_minutes: int,
    location: str = "",
    pathway: Pathway | None = None,
) -> Appointment:
    """Reschedule or correct an appointment. One already honoured or missed keeps its
    date: it is what happened. Refused (StaleObjectError) if a colleague saved it since
    `expected_version` was read."""
    if appointment.participation in (Participation.SEEN, Participation.NO_SHOW) and (
        starts_at != appointment.starts_at
    ):
        raise DomainError(
            "Ce rendez-vous a déjà eu lieu (ou la personne était absente) : sa date ne peut "
            "plus changer. Créez un nouveau rendez-vous.",
            field="starts_at",
        )
    purpose = _check_appointment(
        person=appointment.person,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        with_user=with_user,
        pathway=pathway,
    )
    return update_versioned(
        appointment,
        expected_version=expected_version,
        actor=actor,
        changes={
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "location": (location or "").strip(),
            "purpose": purpose,
            "with_user": with_user,
            "pathway": pathway,
        },
    )


@transaction.atomic
def appointment_set_participation(
    *, appointment: Appointment, actor: Any, participation: str, now: dt.datetime | None = None
) -> Appointment:
    """Record whether the person came. "Honoré" and "absent sans prévenir" describe what
    happened, so they are refused for an appointment that has not started yet; "excusé" and
    "annulé" may be recorded in advance."""
    if participation not in Participation.values:
        raise DomainError("Choisissez une participation.", field="participation")
    now = now or timezone.now()
    if participation in (Participation.SEEN, Participation.NO_SHOW) and appointment.starts_at > now:
        label = Participation(participation).label.lower()
        raise DomainError(
            f"Ce rendez-vous n'a pas encore eu lieu : il ne peut pas être noté « {label} ».",
            field="participation",
        )
    appointment.participation = participation
    appointment.save(update_fields=["participation", "updated_at"])
    return appointment
