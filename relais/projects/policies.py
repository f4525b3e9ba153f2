"""Who may see and do what with collective projects and workshops. Views and API ask here.

Projects and workshop designs are the organisation's work, not a person's record: every
active member of the organisation reads them; référents and managers write them (reception
plans sessions' rooms but does not run projects: it reads only). Participants are personal
data: enrolling a person needs the accompaniment capability on that person
(`relais.people.policies`), and lists of participants are shown to the roles that
accompany. Another organisation's project or workshop does not exist for a user (404).
"""

from __future__ import annotations

from typing import Any

from relais.accounts.models import Membership, Role

WRITERS = (Role.REFERENT, Role.MANAGER)


def _active(membership: Membership | None, organisation_id: int) -> bool:
    return (
        membership is not None
        and membership.is_active
        and membership.organisation_id == organisation_id
    )


def can_read(membership: Membership | None, record: Any) -> bool:
    """`record`: a project, workshop or session (anything with `organisation_id`)."""
    return _active(membership, record.organisation_id)


def can_write(membership: Membership | None, record: Any = None) -> bool:
    """May create (record None: in their current organisation) or change `record`."""
    if membership is None or not membership.is_active or membership.role not in WRITERS:
        return False
    return record is None or membership.organisation_id == record.organisation_id


def can_see_participants(membership: Membership | None, record: Any) -> bool:
    """Names of enrolled persons, their attendance and evaluations: the roles that
    accompany, in the organisation that runs the workshop."""
    return can_write(membership, record)
