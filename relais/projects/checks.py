"""What every projects service checks before writing: the actor writes for the record's
organisation (the row locked for the transaction), fields pass the model's validation."""

from __future__ import annotations

from django.db import models

from relais.accounts.models import Membership, User
from relais.core.errors import DomainError, PermissionDenied
from relais.pathways.checks import check_date, check_version, format_date, validate  # noqa: F401
from relais.projects import policies
from relais.projects.models import Project, ProjectStatus


def membership_of(actor: User, organisation_id: int) -> Membership | None:
    return Membership.objects.active().filter(user=actor, organisation_id=organisation_id).first()


def ensure_writer(actor: User, organisation_id: int) -> Membership:
    membership = membership_of(actor, organisation_id)
    if not policies.can_write(membership):
        raise PermissionDenied(
            "Réservé aux référents et aux responsables de la structure porteuse."
        )
    return membership


def locked_project(project: Project, actor: User, *, allow_finished: bool = False) -> Project:
    """The project row locked for the caller's transaction, once the actor's right to
    write it is checked. A finished or abandoned project is read-only, except for what
    evaluates it (`allow_finished`: SWOT, measurements, journal)."""
    current = Project.objects.select_for_update().get(pk=project.pk)
    ensure_writer(actor, current.organisation_id)
    if not allow_finished and current.status in (ProjectStatus.CLOSED, ProjectStatus.ABANDONED):
        raise DomainError(
            f"Ce projet est « {ProjectStatus(current.status).label.lower()} » : rouvrez-le "
            "pour modifier son plan, son budget ou sa fiche."
        )
    return current


def validated(model: type[models.Model], values: dict, **parents) -> dict:
    """`values` checked against the model's fields (lengths, choices, blanks)."""
    validate(model(**parents, **values), values)
    return values


def check_range(
    starts_on,
    ends_on,
    *,
    start_field: str = "starts_on",
    end_field: str = "ends_on",
    what: str = "La fin",
) -> None:
    check_date(starts_on, start_field, "La date de début")
    check_date(ends_on, end_field, "La date de fin")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise DomainError(
            f"{what} ({format_date(ends_on)}) ne peut pas précéder le début "
            f"({format_date(starts_on)}).",
            field=end_field,
        )
