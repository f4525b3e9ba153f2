"""Practice analysis: case presentations anonymised before sharing, peer sessions, the
private reflective journal.

Rules decided here (the issue left them open):
- the référents and managers of an organisation take part; reception does not (they do
  not accompany); the reflective journal is open to every member, read by its author only;
- a presentation is written from a text that `anonymise` cleans; it stays a draft, seen
  by its author alone, until shared; sharing runs the check again on the final text and,
  if words still look like names, is refused until the author confirms exactly those
  words (`fingerprint`); a shared presentation is no longer edited (peers have read it);
- a peer session lists shared presentations only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, Role, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.pathways.anonymise import remaining_names
from relais.pathways.checks import check_date, check_not_future
from relais.pathways.practice_models import (
    CasePresentation,
    PeerSession,
    PresentationStatus,
    ReflectiveEntry,
)

PRACTITIONERS = (Role.REFERENT, Role.MANAGER)


class NamesRemain(DomainError):
    """Words that may identify someone are still in the text: the author must confirm."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(
            "Des mots ressemblent encore à des noms : "
            + ", ".join(f"« {w} »" for w in words)
            + ". Remplacez-les, ou confirmez qu'ils ne permettent d'identifier personne.",
            field="text",
        )
        self.words = words
        self.fingerprint = fingerprint(words)


def fingerprint(words: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(words)).encode()).hexdigest()[:16]


def takes_part(membership: Membership | None) -> bool:
    return bool(membership and membership.is_active and membership.role in PRACTITIONERS)


def _practitioner(actor: User, organisation: Organisation) -> None:
    membership = Membership.objects.active().filter(user=actor, organisation=organisation).first()
    if not takes_part(membership):
        raise PermissionDenied("L'analyse de pratique est réservée aux référents et responsables.")


def visible_presentations(membership: Membership) -> QuerySet[CasePresentation]:
    """The organisation's shared presentations and the user's own drafts."""
    if not takes_part(membership):
        return CasePresentation.objects.none()
    return CasePresentation.objects.filter(organisation_id=membership.organisation_id).filter(
        Q(status=PresentationStatus.SHARED) | Q(author_id=membership.user_id)
    )


def _texts(title: str, text: str, question: str) -> dict:
    values = {
        "title": clean_text(title),
        "text": clean_text(text),
        "question": clean_text(question),
    }
    if not values["title"]:
        raise DomainError("Donnez un titre à la présentation.", field="title")
    if not values["text"]:
        raise DomainError("La présentation est vide.", field="text")
    if len(values["text"]) > 20000:
        raise DomainError("La présentation ne peut pas dépasser 20 000 caractères.", field="text")
    return values


@transaction.atomic
def presentation_create(
    *, organisation: Organisation, actor: User, title: str, text: str, question: str = ""
) -> CasePresentation:
    """A draft, from the anonymised text the author has read."""
    _practitioner(actor, organisation)
    return CasePresentation.objects.create(
        organisation=organisation, author=actor, updated_by=actor, **_texts(title, text, question)
    )


@transaction.atomic
def presentation_update(
    *,
    presentation: CasePresentation,
    actor: User,
    expected_version: int,
    title: str,
    text: str,
    question: str = "",
) -> CasePresentation:
    current = CasePresentation.objects.select_for_update().get(pk=presentation.pk)
    if current.author_id != actor.pk:
        raise PermissionDenied("Seul·e l'auteur·e modifie sa présentation.")
    if current.status != PresentationStatus.DRAFT:
        raise DomainError("Une présentation partagée n'est plus modifiée : vos pairs l'ont lue.")
    return update_versioned(
        current,
        expected_version=expected_version,
        actor=actor,
        changes=_texts(title, text, question),
    )


@transaction.atomic
def presentation_share(
    *, presentation: CasePresentation, actor: User, confirmed: str = ""
) -> CasePresentation:
    """Share with the team. `confirmed`: the fingerprint of the words the author was shown
    and declared not identifying (NamesRemain gives it)."""
    current = CasePresentation.objects.select_for_update().get(pk=presentation.pk)
    if current.author_id != actor.pk:
        raise PermissionDenied("Seul·e l'auteur·e partage sa présentation.")
    _practitioner(actor, current.organisation)
    if current.status != PresentationStatus.DRAFT:
        raise DomainError("Cette présentation est déjà partagée.")
    words = remaining_names(current.text)
    if words and confirmed != fingerprint(words):
        raise NamesRemain(words)
    current.status = PresentationStatus.SHARED
    current.shared_at = timezone.now()
    current.confirmed_words = words
    current.save(update_fields=["status", "shared_at", "confirmed_words", "updated_at"])
    return current


# --- Peer sessions --------------------------------------------------------------------------


def _session_fields(held_on, facilitator, minutes, lessons) -> dict:
    check_date(held_on, "held_on", "La date de la séance")
    check_not_future(held_on, "held_on", "La date de la séance")
    values = {
        "held_on": held_on,
        "facilitator": clean_text(facilitator),
        "minutes": clean_text(minutes),
        "lessons": clean_text(lessons),
    }
    if len(values["minutes"]) > 20000 or len(values["lessons"]) > 5000:
        raise DomainError("Le texte est trop long.", field="minutes")
    return values


def _shared_only(organisation: Organisation, presentations: Iterable[CasePresentation]) -> list:
    """The presentations as saved now (a draft cannot be discussed, even if the caller's
    copy says otherwise)."""
    ids = {p.pk for p in presentations}
    chosen = list(
        CasePresentation.objects.filter(
            pk__in=ids, organisation=organisation, status=PresentationStatus.SHARED
        )
    )
    if len(chosen) != len(ids):
        raise DomainError(
            "Seules les présentations partagées de la structure peuvent être discutées.",
            field="presentations",
        )
    return chosen


def _check_attendees(organisation: Organisation, attendees: Iterable[User]) -> list[User]:
    chosen = list(attendees)
    members = set(
        Membership.objects.active()
        .filter(organisation=organisation, user__in=chosen)
        .values_list("user_id", flat=True)
    )
    if any(u.pk not in members for u in chosen):
        raise DomainError("Un participant n'est pas membre de la structure.", field="attendees")
    return chosen


@transaction.atomic
def peer_session_create(
    *,
    organisation: Organisation,
    actor: User,
    held_on: dt.date,
    facilitator: str = "",
    attendees: Iterable[User] = (),
    presentations: Iterable[CasePresentation] = (),
    minutes: str = "",
    lessons: str = "",
) -> PeerSession:
    _practitioner(actor, organisation)
    values = _session_fields(held_on, facilitator, minutes, lessons)
    chosen = _shared_only(organisation, presentations)
    people = _check_attendees(organisation, attendees)
    session = PeerSession.objects.create(
        organisation=organisation, created_by=actor, updated_by=actor, **values
    )
    session.attendees.set(people)
    session.presentations.set(chosen)
    return session


@transaction.atomic
def peer_session_update(
    *,
    session: PeerSession,
    actor: User,
    expected_version: int,
    held_on: dt.date,
    facilitator: str = "",
    attendees: Iterable[User] = (),
    presentations: Iterable[CasePresentation] = (),
    minutes: str = "",
    lessons: str = "",
) -> PeerSession:
    _practitioner(actor, session.organisation)
    values = _session_fields(held_on, facilitator, minutes, lessons)
    chosen = _shared_only(session.organisation, presentations)
    people = _check_attendees(session.organisation, attendees)
    updated = update_versioned(
        session, expected_version=expected_version, actor=actor, changes=values
    )
    updated.attendees.set(people)
    updated.presentations.set(chosen)
    return updated


# --- Reflective journal ---------------------------------------------------------------------


@transaction.atomic
def reflective_entry_add(*, actor: User, written_on: dt.date, text: str) -> ReflectiveEntry:
    check_date(written_on, "written_on", "La date")
    check_not_future(written_on, "written_on", "La date")
    text = clean_text(text)
    if not text:
        raise DomainError("Le texte est vide.", field="text")
    if len(text) > 10000:
        raise DomainError("Le texte ne peut pas dépasser 10 000 caractères.", field="text")
    return ReflectiveEntry.objects.create(author=actor, written_on=written_on, text=text)


def journal_of(actor: User) -> QuerySet[ReflectiveEntry]:
    return ReflectiveEntry.objects.filter(author=actor)
