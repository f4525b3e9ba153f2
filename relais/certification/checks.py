"""What every service of the module checks first: permission, the record's organisation,
optimistic locking, text."""

from __future__ import annotations

from collections.abc import Callable

from relais.accounts.models import Membership
from relais.certification.models import StatusChange
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError


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
