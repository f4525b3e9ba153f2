"""Who may see and do what with a person's record. Views and API both ask here.

Access is decided by the user's role in the organisation that holds the record:

| role     | identity & contact | appointments | diagnostic, pathway, notes, life events, documents, consents, export |
|----------|--------------------|--------------|------------------------------------------------------------------|
| referent | read / write       | read / write | read / write                                                     |
| manager  | read / write       | read / write | read / write; reassigns référents                                |
| staff    | read / write       | read / write | no access                                                        |

Notes marked "author only" are read by their author alone, whatever the role.
"""

from __future__ import annotations

from enum import StrEnum

from relais.accounts.models import Membership, Role


class Capability(StrEnum):
    IDENTITY = "identity"
    APPOINTMENTS = "appointments"
    ACCOMPANIMENT = "accompaniment"
    REASSIGN = "reassign"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.REFERENT: frozenset(
        {Capability.IDENTITY, Capability.APPOINTMENTS, Capability.ACCOMPANIMENT}
    ),
    Role.MANAGER: frozenset(
        {
            Capability.IDENTITY,
            Capability.APPOINTMENTS,
            Capability.ACCOMPANIMENT,
            Capability.REASSIGN,
        }
    ),
    Role.STAFF: frozenset({Capability.IDENTITY, Capability.APPOINTMENTS}),
}


def capabilities(membership: Membership | None) -> frozenset[Capability]:
    if membership is None or not membership.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(membership.role, frozenset())


def can(membership: Membership | None, capability: Capability, person=None) -> bool:
    """May the holder of `membership` (the user acting for that organisation) use
    `capability`, on `person` if given?"""
    if membership is None:
        return False
    if person is not None and person.organisation_id != membership.organisation_id:
        return False
    return capability in capabilities(membership)


def can_read_note(membership: Membership | None, note) -> bool:
    # The note's person decides the organisation (a note of another organisation is never
    # readable, whatever the role).
    if not can(membership, Capability.ACCOMPANIMENT, note.person):
        return False
    return note.visibility != "author" or note.author_id == membership.user_id
