"""Archiving a person's record: hidden from the lists, searches and caseload, read-only
(relais.people.archive), reversible by a manager."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.network.referrals.models import Referral
from relais.pathways.models import Appointment, Participation, Pathway
from relais.people.archive import forget, lifecycle_writes
from relais.people.models import Person
from relais.records.policies import can_archive, can_unarchive


def acting_membership(actor: User, organisation_id: int) -> Membership | None:
    return Membership.objects.active().filter(user=actor, organisation_id=organisation_id).first()


def _locked(person: Person) -> Person:
    current = Person.objects.select_for_update().filter(pk=person.pk).first()
    if current is None:
        raise DomainError("Ce dossier n'existe plus.")
    return current


@transaction.atomic
def person_archive(*, person: Person, actor: User) -> Person:
    """Archive the record once the accompaniment is over: no pathway open, no referral
    still running (the partner would otherwise work on a record nobody may update), no
    appointment still planned (nobody could record whether the person came)."""
    if not can_archive(acting_membership(actor, person.organisation_id), person):
        raise PermissionDenied(
            "Seuls le référent de la personne et les responsables de la structure peuvent "
            "archiver ce dossier."
        )
    current = _locked(person)
    if current.archived_at is not None:
        raise DomainError(
            f"Ce dossier est déjà archivé (depuis le {current.archived_at:%d/%m/%Y})."
        )
    if Pathway.objects.active().filter(person=person).exists():
        raise DomainError(
            "Un parcours est en cours : clôturez-le (sortie) avant d'archiver le dossier."
        )
    if Referral.objects.open().filter(person=person).exists():
        raise DomainError(
            "Une orientation est en cours : attendez sa fin ou annulez-la avant d'archiver "
            "le dossier."
        )
    now = timezone.now()
    upcoming = (
        Appointment.objects.filter(
            person=person, starts_at__gt=now, participation=Participation.PLANNED
        )
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    if upcoming is not None:
        raise DomainError(
            f"Un rendez-vous est prévu le {timezone.localtime(upcoming):%d/%m/%Y à %H:%M} : "
            "annulez-le avant d'archiver le dossier."
        )
    with lifecycle_writes():
        Person.objects.filter(pk=person.pk).update(archived_at=now, updated_at=now)
    forget(person.pk)
    journal.record(
        actor=actor, action=JournalAction.UPDATE, target=person, summary="dossier archivé"
    )
    person.archived_at = now
    return person


@transaction.atomic
def person_unarchive(*, person: Person, actor: User) -> Person:
    if not can_unarchive(acting_membership(actor, person.organisation_id), person):
        raise PermissionDenied(
            "Seuls les responsables de la structure peuvent désarchiver un dossier."
        )
    current = _locked(person)
    if current.archived_at is None:
        raise DomainError("Ce dossier n'est pas archivé.")
    now = timezone.now()
    with lifecycle_writes():
        Person.objects.filter(pk=person.pk).update(archived_at=None, updated_at=now)
    forget(person.pk)
    journal.record(
        actor=actor, action=JournalAction.UPDATE, target=person, summary="dossier désarchivé"
    )
    person.archived_at = None
    return person
