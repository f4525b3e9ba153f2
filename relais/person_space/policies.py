"""Who manages a person's space: the professionals of the organisation holding the record
who accompany the person (a co-following partner does not open or close it)."""

from __future__ import annotations

from relais.people.models import Person
from relais.people.policies import Capability, can


def can_manage_space(membership, person: Person) -> bool:
    return (
        membership is not None
        and membership.organisation_id == person.organisation_id
        and can(membership, Capability.ACCOMPANIMENT, person)
    )
