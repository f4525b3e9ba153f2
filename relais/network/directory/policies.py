"""Who may edit which entry of the directory (annuaire) and its services.

| organisation                     | who may edit its entry and its services                      |
|----------------------------------|--------------------------------------------------------------|
| on the platform                  | its managers (role `manager`), in that organisation          |
| partner "hors plateforme"        | any member of the organisation that added it (the partner's  |
|                                  | `created_by` is, or was, a member of the current organisation)|

Reading the directory needs a membership (any role): organisations and services are not
personal data, and the directory never shows persons. Unpublished services are seen by
those who may edit them only. The public data·inclusion JSON of a structure (published
services) needs no login at all.

Importing files and exporting an organisation's own data are for its managers; platform
administrators import through the `import_datainclusion` management command.
"""

from __future__ import annotations

from relais.accounts.models import Membership, Organisation, Role
from relais.network.directory.models import Service


def _active(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active


def can_read_directory(membership: Membership | None) -> bool:
    return _active(membership)


def can_create_external_partner(membership: Membership | None) -> bool:
    return _active(membership)


def created_within(organisation: Organisation, member_organisation_id: int) -> bool:
    """Was this partner added by a member of the given organisation?"""
    if organisation.created_by_id is None:
        return False
    return Membership.objects.filter(
        user_id=organisation.created_by_id, organisation_id=member_organisation_id
    ).exists()


def can_edit_organisation(membership: Membership | None, organisation: Organisation) -> bool:
    """May the current membership change this directory entry (and its services)?"""
    if not _active(membership) or not organisation.is_active:
        return False
    if organisation.is_external:
        return created_within(organisation, membership.organisation_id)
    return membership.organisation_id == organisation.pk and membership.role == Role.MANAGER


def can_manage_services(membership: Membership | None, organisation: Organisation) -> bool:
    return can_edit_organisation(membership, organisation)


def editable_organisation_ids(membership: Membership | None) -> set[int]:
    """Every organisation whose entry the membership may edit, in two queries: for lists
    that show "à confirmer" warnings and edit links."""
    if not _active(membership):
        return set()
    ids: set[int] = set()
    if membership.role == Role.MANAGER:
        ids.add(membership.organisation_id)
    colleagues = Membership.objects.filter(organisation_id=membership.organisation_id).values(
        "user_id"
    )
    ids.update(
        Organisation.objects.filter(
            is_external=True, is_active=True, created_by__in=colleagues
        ).values_list("pk", flat=True)
    )
    return ids


def can_view_service(membership: Membership | None, service: Service) -> bool:
    if not _active(membership) or not service.organisation.is_active:
        return False
    return service.is_published or can_manage_services(membership, service.organisation)


def can_import(membership: Membership | None) -> bool:
    """Import files into the directory, and export the organisation's own data."""
    return _active(membership) and membership.role == Role.MANAGER


def can_export_directory(membership: Membership | None) -> bool:
    """Export every published structure and service (public data) as data·inclusion files."""
    return _active(membership)
