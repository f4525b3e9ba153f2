"""Who may see which dashboard and export what; asked by the pages and the API alike."""

from __future__ import annotations

from relais.accounts.models import Membership, Role
from relais.core.errors import PermissionDenied
from relais.reporting.filters import Scope

SCOPES_BY_ROLE: dict[str, tuple[Scope, ...]] = {
    Role.MANAGER: (Scope.ORGANISATION, Scope.CASELOAD, Scope.TEAM),
    Role.REFERENT: (Scope.CASELOAD, Scope.TEAM),
    Role.STAFF: (),
}


# Who has a caseload dashboard (« Ma file active »).
CASELOAD_ROLES = tuple(role for role, scopes in SCOPES_BY_ROLE.items() if Scope.CASELOAD in scopes)


class ReferentOutOfReach(PermissionDenied):
    """A filter named a professional who is not a member of the organisation."""


def scopes(membership) -> tuple[Scope, ...]:
    if membership is None or not membership.is_active:
        return ()
    return SCOPES_BY_ROLE.get(membership.role, ())


def can_view(membership, scope: Scope) -> bool:
    return scope in scopes(membership)


def check_view(membership, scope: Scope) -> None:
    if not can_view(membership, scope):
        raise PermissionDenied(
            "Ce tableau de bord est réservé aux responsables de la structure."
            if scope == Scope.ORGANISATION
            else "Votre rôle ne donne pas accès aux tableaux de bord."
        )


def suppresses(scope: Scope) -> bool:
    """Small counts are hidden everywhere beyond the user's own caseload."""
    return scope != Scope.CASELOAD


def check_referent_filter(membership, referent_id: int | None) -> None:
    """A référent filter must name a member (past or present) of the organisation: any
    other user is refused (the caller journals the refusal as denied)."""
    if referent_id is None:
        return
    if not Membership.objects.filter(
        organisation_id=membership.organisation_id, user_id=referent_id
    ).exists():
        raise ReferentOutOfReach(
            "Ce professionnel n'est pas membre de votre structure : filtre refusé."
        )


def can_export_participants(membership) -> bool:
    """The per-participant funder export names persons: managers only."""
    return membership is not None and membership.is_active and membership.role == Role.MANAGER
