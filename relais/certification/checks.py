"""What every service of the module checks first: permission, the record's organisation,
optimistic locking, text."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from relais.accounts.models import Membership
from relais.certification.models import Candidate, Enrolment, StatusChange
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.core.models import JournalAction


def ensure(allowed: Callable[[Membership], bool], membership: Membership) -> None:
    if not allowed(membership):
        raise PermissionDenied("Vous n'avez pas les droits pour cette action.")


def same_organisation(membership: Membership, organisation_id: int) -> None:
    if membership.organisation_id != organisation_id:
        raise PermissionDenied("Ce dossier n'appartient pas à votre structure.")


def check_version(instance, expected_version: int | None) -> None:
    if expected_version is not None and instance.version != expected_version:
        raise StaleObjectError(
            "Modifié entre-temps par un autre utilisateur. Vos saisies sont conservées "
            "ci-dessous : vérifiez-les puis enregistrez de nouveau."
        )


def required_text(value: str, *, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"Indiquez {label}.", field=field)
    if len(value) > max_length:
        raise DomainError(f"{label[0].upper()}{label[1:]} : {max_length} caractères au plus.")
    return value


def journal_write(
    membership: Membership, enrolment: Enrolment, summary: str, *, created: bool = False
) -> None:
    """A write on a candidate's file, in the journal as such (CREATE for a new record of
    the file, UPDATE otherwise), whether it came from a page or the API."""
    journal.record(
        actor=membership.user,
        action=JournalAction.CREATE if created else JournalAction.UPDATE,
        target=enrolment.candidate,
        actor_organisation=membership.organisation,
        summary=f"{summary} ({enrolment.certification.code})"[:200],
    )
    touch(enrolment.candidate_id)


def touch(candidate_id: int) -> None:
    """Real activity on the candidate's file: the retention period starts again."""
    Candidate.objects.filter(pk=candidate_id).update(last_activity_on=timezone.localdate())


def record_change(
    entity: str, entity_id: int, before: str, after: str, actor, reason: str = ""
) -> None:
    StatusChange.objects.create(
        entity=entity,
        entity_id=entity_id,
        from_status=before,
        to_status=after,
        actor=actor,
        reason=reason[:300],
    )
