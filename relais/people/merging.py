"""Merging two records of one person, and undoing it within 30 days.

`person_merge` moves every child record of `merged` to `kept` — every model with a foreign
key to Person, whatever its app (consents, life events, documents, diagnostics, pathways
with their goals and steps, notes, appointments, referrals, the coordination team with its
memberships, case conferences): found through Django's relations, so a new child model is
covered without a change here. The identity fields in conflict take the value the user
chose. The merged record is not deleted: it is marked `merged_into` (hidden everywhere)
and what is needed to undo is stored in `PersonMerge` (the kept record's identity before,
the keys of the records moved). The access journal is append-only: its entries keep the
number of the record they were about; the merge itself is journaled on both.

Refused with a French message: a record merged with itself, records of two organisations
(or not of the user's), a record already merged (two managers merging the same pair: the
second one is told), a record changed since the comparison was shown (versions), two
coordination teams (one per person: end one first).

Apps that keep figures derived from a person's records (a diagnostic's place in the
person's sequence, summary columns) register `after_records_moved(callback)`: the callback
gets the ids of both persons once their records have moved, by a merge or its undoing, inside
the same transaction. People cannot import those apps (the layers go the other way)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from django.db import models, transaction
from django.utils import timezone

from relais.core.errors import DomainError
from relais.people.duplicates import store_match_keys
from relais.people.models import (
    DistinctPersons,
    DuplicatePair,
    Person,
    PersonMatchKey,
    PersonMerge,
)

UNDO_DAYS = 30
MERGE_FIELDS = (
    "birth_name",
    "usage_name",
    "first_names",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "postal_code",
    "commune_code",
    "france_travail_id",
    "referent_id",
)
SKIPPED_RELATIONS = {PersonMatchKey, PersonMerge, DistinctPersons, DuplicatePair}

_AFTER_RECORDS_MOVED: list[Callable[[list[int]], None]] = []


def after_records_moved(callback: Callable[[list[int]], None]) -> Callable[[list[int]], None]:
    """Register `callback(person_ids)`, run after a merge or its undoing has moved records
    between these persons (usable as a decorator; registering twice runs it once)."""
    if callback not in _AFTER_RECORDS_MOVED:
        _AFTER_RECORDS_MOVED.append(callback)
    return callback


def _records_moved(person_ids: list[int]) -> None:
    for callback in _AFTER_RECORDS_MOVED:
        callback(person_ids)


def _child_relations() -> list[models.ForeignObjectRel]:
    return [
        rel
        for rel in Person._meta.related_objects
        if rel.related_model is not Person
        and rel.related_model not in SKIPPED_RELATIONS
        and rel.field.concrete
    ]


def _identity(person: Person) -> dict:
    values = {}
    for name in MERGE_FIELDS:
        value = getattr(person, name)
        values[name] = value.isoformat() if isinstance(value, dt.date) else value
    return values


def _apply_identity(person: Person, values: Mapping) -> None:
    for name, value in values.items():
        if name == "birth_date" and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        setattr(person, name, value)


def _locked(pks: list[int]) -> dict[int, Person]:
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=sorted(pks))}


@transaction.atomic
def person_merge(
    *,
    organisation_id: int,
    actor,
    kept_id: int,
    merged_id: int,
    kept_version: int,
    merged_version: int,
    choices: Mapping[str, str] | None = None,
) -> PersonMerge:
    """Merge record `merged_id` into `kept_id`. `choices`: for an identity field, "merged"
    takes the merged record's value (the kept record's value stays otherwise)."""
    if kept_id == merged_id:
        raise DomainError("Un dossier ne peut pas être fusionné avec lui-même.")
    persons = _locked([kept_id, merged_id])
    kept, merged = persons.get(kept_id), persons.get(merged_id)
    if kept is None or merged is None:
        raise DomainError("L’un des deux dossiers n’existe plus.")
    if kept.organisation_id != merged.organisation_id or kept.organisation_id != organisation_id:
        raise DomainError("Seuls deux dossiers de votre structure peuvent être fusionnés.")
    for person in (kept, merged):
        if person.merged_into_id is not None:
            raise DomainError(
                f"Le dossier n° {person.pk} a déjà été fusionné (par un autre utilisateur ?) : "
                "rechargez la liste des doublons."
            )
    if kept.version != kept_version or merged.version != merged_version:
        raise DomainError(
            "L’un des deux dossiers a été modifié depuis l’affichage de la comparaison : "
            "vérifiez-la de nouveau avant de fusionner."
        )
    before = _identity(kept)
    chosen = {}
    for name, side in (choices or {}).items():
        if name not in MERGE_FIELDS or side not in ("kept", "merged"):
            raise DomainError(f"Choix inconnu pour la fusion : {name}.")
        if side == "merged":
            chosen[name] = getattr(merged, name)
    moved: dict[str, list[int]] = {}
    for rel in _child_relations():
        model, field = rel.related_model, rel.field
        pks = list(
            model._base_manager.filter(**{field.name: merged.pk}).values_list("pk", flat=True)
        )
        if not pks:
            continue
        if field.one_to_one and model._base_manager.filter(**{field.name: kept.pk}).exists():
            raise DomainError(
                f"Les deux dossiers ont chacun un·e {model._meta.verbose_name} : il n’en faut "
                "qu’un·e par personne. Clôturez celui·celle du dossier à fusionner d’abord."
            )
        model._base_manager.filter(pk__in=pks).update(**{field.name: kept.pk})
        moved[model._meta.label] = pks
    _apply_identity(kept, chosen)
    kept.version += 1
    kept.updated_by = actor
    kept.save()
    merged.merged_into = kept
    merged.save(update_fields=["merged_into"])
    PersonMatchKey.objects.filter(person=merged).delete()
    store_match_keys([kept])
    _records_moved([kept.pk, merged.pk])
    return PersonMerge.objects.create(
        organisation_id=organisation_id,
        kept=kept,
        merged=merged,
        kept_identity_before=before,
        moved=moved,
        merged_by=actor,
    )


def can_undo(merge: PersonMerge, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return merge.undone_at is None and now - merge.merged_at <= dt.timedelta(days=UNDO_DAYS)


@transaction.atomic
def person_merge_undo(*, merge_id: int, organisation_id: int, actor) -> PersonMerge:
    """Give the merged record back its child records, and the kept one its identity."""
    merge = (
        PersonMerge.objects.select_for_update()
        .filter(pk=merge_id, organisation_id=organisation_id)
        .first()
    )
    if merge is None:
        raise DomainError("Cette fusion n’existe pas.")
    if merge.undone_at is not None:
        raise DomainError("Cette fusion a déjà été annulée.")
    if not can_undo(merge):
        raise DomainError(f"Une fusion ne peut être annulée que pendant {UNDO_DAYS} jours.")
    persons = _locked([merge.kept_id, merge.merged_id])
    kept, merged = persons[merge.kept_id], persons[merge.merged_id]
    by_label = {rel.related_model._meta.label: rel for rel in _child_relations()}
    for label, pks in merge.moved.items():
        rel = by_label.get(label)
        if rel is None:
            continue
        rel.related_model._base_manager.filter(pk__in=pks).update(**{rel.field.name: merged.pk})
    _apply_identity(kept, merge.kept_identity_before)
    kept.version += 1
    kept.updated_by = actor
    kept.save()
    merged.merged_into = None
    merged.save(update_fields=["merged_into"])
    store_match_keys([kept, merged])
    _records_moved([kept.pk, merged.pk])
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge


@transaction.atomic
def persons_mark_distinct(*, organisation_id: int, actor, first_id: int, second_id: int) -> None:
    """« Pas la même personne »: the pair is no longer proposed."""
    if first_id == second_id:
        raise DomainError("Choisissez deux dossiers différents.")
    first_id, second_id = sorted((first_id, second_id))
    found = Person.objects.filter(
        pk__in=[first_id, second_id], organisation_id=organisation_id
    ).count()
    if found != 2:
        raise DomainError("Seuls deux dossiers de votre structure peuvent être comparés.")
    DistinctPersons.objects.get_or_create(
        organisation_id=organisation_id,
        first_id=first_id,
        second_id=second_id,
        defaults={"decided_by": actor},
    )
