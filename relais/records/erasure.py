"""Erasing a person's record: at the end of the retention period, or on the person's
accepted erasure request (art. 17 RGPD). See docs/decisions/0027-erasure-model.md.

The record is **deleted**, not anonymised: the person row and everything that hangs from it
through the database's cascade (consents, life events, documents, diagnostics and their
assessments, pathways with goals, steps, contracts, reviews and exit, notes and drafts,
appointments, referrals and their transitions, the coordination team and its members, case
conferences and their decisions, the lifecycle's own holds and warnings). A new model with a
foreign key to the person is erased with it by the same cascade — or, if it protects itself
(`PROTECT`) or survives (`SET_NULL`), `tests/records/test_erasure.py` fails until it is
handled here.

Kept: one `ErasedRecord` row of non-identifying statistics, the person's rights requests
with their texts blanked (the organisation shows it answered), and one journal line naming
the dossier number, never the person. The stored files are removed from the disk once the
deletion is committed.
"""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import Q
from django.db.models.deletion import Collector
from django.utils import timezone

from relais.accounts.models import User
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.network.referrals.models import Referral
from relais.pathways.models import Pathway
from relais.people.archive import forget, lifecycle_writes
from relais.people.models import Consent, Person, PersonMerge
from relais.records.models import ErasedRecord, RightsRequest

logger = logging.getLogger("relais.records")

ERASED_TEXT = "[effacé avec le dossier]"


def _month(day) -> str | None:
    return None if day is None else f"{day:%Y-%m}"


def _statistics(person: Person, *, cause: str, today) -> ErasedRecord:
    pathways = [
        {
            "scheme": p.scheme,
            "started": _month(p.started_on),
            "ended": _month(getattr(getattr(p, "exit", None), "exited_on", None)),
            "exit": getattr(getattr(p, "exit", None), "category", None),
        }
        for p in Pathway.objects.filter(person=person).select_related("exit").order_by("started_on")
    ]
    return ErasedRecord.objects.create(
        organisation_id=person.organisation_id,
        erased_on=today,
        cause=cause,
        record_opened_year=timezone.localtime(person.created_at).year,
        birth_decade=person.birth_date.year // 10 * 10,
        pathways=pathways,
        referral_count=Referral.objects.filter(person=person).count(),
    )


def _stored_files(person: Person) -> list[str]:
    """The names of every stored file of the record: what the cascade will delete, read
    through Django's own collector so that a new model with a file is not forgotten."""
    collector = Collector(using=DEFAULT_DB_ALIAS)
    collector.collect([person])
    names: list[str] = []
    instance_groups = [list(instances) for instances in collector.data.values()]
    instance_groups += [list(qs) for qs in collector.fast_deletes if hasattr(qs, "model")]
    for instances in instance_groups:
        for instance in instances:
            for field in instance._meta.fields:
                if isinstance(field, models.FileField):
                    value = getattr(instance, field.attname)
                    if value:
                        names.append(str(value))
    return names


def _remove_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - the disk refused: say so, the row is gone
            logger.exception("Fichier d'un dossier effacé non supprimé : %s", name)


@transaction.atomic
def person_erase(
    *, person: Person, actor: User | None, cause: str, today=None, journal_summary: str = ""
) -> ErasedRecord:
    """Delete the record and everything under it; keep the statistics row. Refused if the
    record was already erased. Callers check who may (the retention command, a manager
    closing an erasure request)."""
    today = today or timezone.localdate()
    with lifecycle_writes():
        current = Person.objects.select_for_update().filter(pk=person.pk).first()
        if current is None:
            raise DomainError("Ce dossier a déjà été effacé.")
        person_id, organisation_id = current.pk, current.organisation_id
        erased = _statistics(current, cause=cause, today=today)
        RightsRequest.objects.filter(person_id=person_id).update(
            details=ERASED_TEXT,
            extended_reason=models.Case(
                models.When(extended_reason="", then=models.Value("")),
                default=models.Value(ERASED_TEXT),
            ),
            decision_reason=models.Case(
                models.When(decision_reason="", then=models.Value("")),
                default=models.Value(ERASED_TEXT),
            ),
            person=None,
            erased_record=erased,
        )
        # Records merged into this one are the same person (kept 30 days for an undo):
        # they go too, with the merges' undo data, which holds identity.
        merged = list(Person.objects.filter(merged_into_id=person_id))
        everyone = [person_id, *(m.pk for m in merged)]
        PersonMerge.objects.filter(Q(kept_id__in=everyone) | Q(merged_id__in=everyone)).delete()
        # Consents point to their signed form and to the decision they replaced with
        # PROTECT (history must not be lost by accident); the whole record goes here.
        Consent.objects.filter(person_id__in=everyone).update(document=None, supersedes=None)
        files: list[str] = []
        for shell in merged:
            files += _stored_files(shell)
            shell.delete()
        files += _stored_files(current)
        current.delete()
    forget(person_id)
    transaction.on_commit(lambda: _remove_files(files))
    summary = journal_summary or f"dossier effacé ({erased.get_cause_display().lower()})"
    journal.record(
        actor=actor,
        action=JournalAction.DELETE,
        target_type="people.person",
        target_id=person_id,
        person_id=person_id,
        organisation=organisation_id,
        summary=f"{summary} — statistiques conservées n° {erased.pk}",
    )
    return erased
