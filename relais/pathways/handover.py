"""Handing a person over to another référent: the person and the pathways that référent held.

It lives with pathways because it moves pathways; the person's side of it (who may be a
référent) is `relais.people.services.check_referent`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.core.errors import DomainError
from relais.pathways.models import Pathway
from relais.people.models import Person
from relais.people.rules import check_referent


@transaction.atomic
def person_reassign_referent(*, person: Person, actor: User, referent: User) -> Person:
    """Hand the person over to another référent. The person's active pathways that were
    held by the previous référent follow; pathways held by someone else stay as they are.

    The person's version is not bumped: the référent is not part of the identity form, so
    a colleague editing the identity at the same time must not be refused for it."""
    if referent is None:
        raise DomainError("Choisissez le nouveau référent.", field="referent")
    check_referent(person.organisation_id, referent)
    # Read under lock: the page the manager saw may be older than the record.
    previous_id = (
        Person.objects.select_for_update()
        .filter(pk=person.pk)
        .values_list("referent_id", flat=True)
        .first()
    )
    if previous_id == referent.pk:
        raise DomainError(f"{referent} est déjà le référent de cette personne.", field="referent")
    now = timezone.now()
    Person.objects.filter(pk=person.pk).update(referent=referent, updated_at=now)
    if previous_id is not None:
        Pathway.objects.active().filter(person=person, referent_id=previous_id).update(
            referent=referent, updated_at=now
        )
    person.referent = referent
    person.updated_at = now
    return person
