"""Who may act on a record's lifecycle. Views, API and the services themselves ask here.

| action                                   | référent of the person | other référent | manager | staff |
|------------------------------------------|------------------------|----------------|---------|-------|
| archive the record                       | yes                    | no             | yes     | no    |
| unarchive the record                     | no                     | no             | yes     | no    |
| record an erasure / rectification request| yes                    | yes            | yes     | no    |
| extend or close a request                | no                     | no             | yes     | no    |
| postpone an erasure, set the retention   | no                     | no             | yes     | no    |

Archiving ends the accompaniment's active life: the person's référent decides it for their
own caseload, a manager for anyone. Unarchiving reopens a record that was closed on purpose,
and requests, erasures and retention engage the organisation as data controller: the
manager's decision. Only the person's own organisation acts; a co-following professional of
another organisation never does.
"""

from __future__ import annotations

from relais.accounts.models import Membership, Role
from relais.people.policies import Capability, can


def _own_manager(membership: Membership | None, organisation_id: int) -> bool:
    return (
        membership is not None
        and membership.is_active
        and membership.organisation_id == organisation_id
        and membership.role == Role.MANAGER
    )


def can_archive(membership: Membership | None, person) -> bool:
    if membership is None or person.organisation_id != membership.organisation_id:
        return False
    if _own_manager(membership, person.organisation_id):
        return True
    return (
        membership.is_active
        and membership.role == Role.REFERENT
        and person.referent_id == membership.user_id
    )


def can_unarchive(membership: Membership | None, person) -> bool:
    return _own_manager(membership, person.organisation_id)


def can_record_request(membership: Membership | None, person) -> bool:
    return (
        membership is not None
        and person.organisation_id == membership.organisation_id
        and can(membership, Capability.ACCOMPANIMENT, person)
    )


def can_manage_lifecycle(membership: Membership | None, organisation_id: int) -> bool:
    """Decide on requests, postpone erasures, set the retention policy, list records due."""
    return _own_manager(membership, organisation_id)
