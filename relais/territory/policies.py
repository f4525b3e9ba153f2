"""Who may do what in the territory module. Aggregated figures are no one's personal
data: every member of an organisation reads them; the organisation's managers define its
territories, import indicator files and give (or withdraw) the pooling agreement;
référents and managers write the needs analysis and the watch log; a watch entry is
changed or deleted by its author or a manager."""

from __future__ import annotations

from relais.accounts.models import Membership, Role


def _active(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active


def can_view_territory(membership: Membership | None) -> bool:
    return _active(membership)


def can_manage_territory(membership: Membership | None) -> bool:
    return _active(membership) and membership.role == Role.MANAGER


def can_contribute(membership: Membership | None) -> bool:
    return _active(membership) and membership.role in (Role.MANAGER, Role.REFERENT)


def can_change_watch_item(membership: Membership | None, item) -> bool:
    """A watch entry is changed or deleted by its author (still a référent or manager) or
    by a manager of its organisation; the others of the organisation read it."""
    if not _active(membership) or item.organisation_id != membership.organisation_id:
        return False
    if membership.role == Role.MANAGER:
        return True
    return can_contribute(membership) and item.created_by_id == membership.user_id


def can_manage_import(membership: Membership | None, job) -> bool:
    """Start, follow or relaunch an import of indicator values: the organisation's managers."""
    return can_manage_territory(membership) and job.organisation_id == membership.organisation_id
