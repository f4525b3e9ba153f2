"""Who may do what in the employment module.

Employers, positions, prospecting and workstation analyses are the organisation's shared
work with companies: every active member reads them; référents and managers write them
(the reception staff's role is identity and appointments, not employer relations).
A person's abilities, project and placements are part of the accompaniment: the people
policy's `Capability.ACCOMPANIMENT` on that person decides, as for pathways."""

from __future__ import annotations

from relais.accounts.models import Membership, Role
from relais.people.policies import Capability, can

WRITER_ROLES = (Role.REFERENT, Role.MANAGER)


def can_read_employers(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active


def can_edit_employers(membership: Membership | None) -> bool:
    return can_read_employers(membership) and membership.role in WRITER_ROLES


def can_import_employers(membership: Membership | None) -> bool:
    """An import writes many records at once: managers only."""
    return can_read_employers(membership) and membership.role == Role.MANAGER


def in_organisation(membership: Membership | None, record) -> bool:
    """A record of the organisation the user acts for (employers, positions, analyses)."""
    return can_read_employers(membership) and record.organisation_id == membership.organisation_id


def can_accompany(membership: Membership | None, person) -> bool:
    """Abilities, project, placements of `person`: the accompaniment capability."""
    return can(membership, Capability.ACCOMPANIMENT, person)
