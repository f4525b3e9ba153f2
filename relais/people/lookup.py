"""The person a request is about, read by one query compiled once per connection.

Every page and section of a person's record starts with the same lookup — the person, if
the user acting for their organisation may see it (`Person.objects.visible_to`: the
organisation's own persons and those the user co-follows), with the referent. Built by the
ORM at each request it cost about 2 ms of Python for well under 1 ms of SQL
(docs/performance.md); its SQL depends on ids only, so it is compiled once
(`relais.core.compiled`, decision 0073).
"""

from __future__ import annotations

from relais.accounts.models import Membership
from relais.core.compiled import CompiledQuery
from relais.people.models import Person


def _visible_person(organisation_id: int, user_id: int, pk: int):
    acting = Membership(organisation_id=organisation_id, user_id=user_id, is_active=True)
    return Person.objects.visible_to(acting).select_related("referent").filter(pk=pk)[:1]


_compiled = CompiledQuery(_visible_person, ids=("organisation_id", "user_id", "pk"))


def visible_person(membership: Membership | None, pk: int) -> Person | None:
    """`Person.objects.visible_to(membership).select_related("referent")` of `pk`, or None."""
    if membership is None or not membership.is_active:
        return None
    found = _compiled(
        organisation_id=membership.organisation_id, user_id=membership.user_id, pk=int(pk)
    )
    return found[0] if found else None
