"""Declared partnerships between organisations (convention, financement, réseau), shown on
the actor map. Declared and ended by the managers of the organisations concerned.

Not personal data: nothing here is journaled."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, Role
from relais.core.errors import DomainError, PermissionDenied
from relais.network.coordination.models import Partnership, PartnershipKind

DESCRIPTION_MAX = 300


def is_manager_of(membership: Membership | None, organisation_id: int) -> bool:
    return bool(
        membership is not None
        and membership.is_active
        and membership.role == Role.MANAGER
        and membership.organisation_id == organisation_id
    )


def can_declare_partnership(membership: Membership | None) -> bool:
    """A manager declares the partnerships of the organisation they act for."""
    return membership is not None and is_manager_of(membership, membership.organisation_id)


def can_end_partnership(membership: Membership | None, partnership: Partnership) -> bool:
    """Either side's manager may end it."""
    return is_manager_of(membership, partnership.source_id) or is_manager_of(
        membership, partnership.target_id
    )


@transaction.atomic
def partnership_declare(
    *,
    membership: Membership,
    target: Organisation,
    kind: str,
    description: str = "",
    started_on: date | None = None,
) -> Partnership:
    """Declare a partnership of the membership's organisation with `target`. A partnership
    of the same kind that had ended is opened again (its history: `started_on`)."""
    if not can_declare_partnership(membership):
        raise PermissionDenied(
            "Seuls les responsables d'une structure peuvent déclarer ses partenariats."
        )
    source = membership.organisation
    today = timezone.localdate()
    if kind not in PartnershipKind.values:
        raise DomainError("Choisissez la nature du partenariat dans la liste.", field="kind")
    if target.pk == source.pk:
        raise DomainError("Choisissez une autre structure que la vôtre.", field="target")
    if not target.is_active:
        raise DomainError("Cette structure n'est plus active.", field="target")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            f"La précision tient en {DESCRIPTION_MAX} caractères au plus.", field="description"
        )
    if started_on is not None and started_on > today:
        raise DomainError(
            "La date de début ne peut pas être dans le futur : déclarez le partenariat quand "
            "il commence.",
            field="started_on",
        )
    reverse = (
        Partnership.objects.in_force(today).filter(source=target, target=source, kind=kind).exists()
    )
    if reverse:
        raise DomainError(
            f"{target.name} a déjà déclaré ce partenariat avec votre structure.", field="target"
        )
    existing = (
        Partnership.objects.select_for_update()
        .filter(source=source, target=target, kind=kind)
        .first()
    )
    if existing is not None:
        if existing.is_in_force(today):
            raise DomainError("Ce partenariat est déjà déclaré.", field="target")
        existing.ended_on = None
        existing.started_on = started_on
        existing.description = description
        existing.declared_by = membership.user
        existing.save(
            update_fields=["ended_on", "started_on", "description", "declared_by", "updated_at"]
        )
        return existing
    try:
        with transaction.atomic():
            return Partnership.objects.create(
                source=source,
                target=target,
                kind=kind,
                description=description,
                started_on=started_on,
                declared_by=membership.user,
            )
    except IntegrityError as error:  # declared at the same moment by a colleague
        raise DomainError("Ce partenariat est déjà déclaré.", field="target") from error


@transaction.atomic
def partnership_end(
    *, membership: Membership, partnership: Partnership, ended_on: date | None = None
) -> Partnership:
    """End a partnership (kept, with its end date, for the history)."""
    if not can_end_partnership(membership, partnership):
        raise PermissionDenied(
            "Seuls les responsables des structures concernées peuvent mettre fin à ce partenariat."
        )
    today = timezone.localdate()
    ended_on = ended_on or today
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if not locked.is_in_force(today):
        raise DomainError("Ce partenariat est déjà terminé.")
    if locked.started_on is not None and ended_on < locked.started_on:
        raise DomainError("La date de fin ne peut pas précéder la date de début.", field="ended_on")
    locked.ended_on = ended_on
    locked.save(update_fields=["ended_on", "updated_at"])
    return locked
