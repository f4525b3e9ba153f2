"""The persons a dashboard counts: one queryset of persons, used as a subquery by every
indicator (never loaded: the figures are aggregates computed by the database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from relais.network.coordination.sharing import cofollowing
from relais.pathways.models import Pathway
from relais.people.models import Person
from relais.reporting.filters import ReportFilter, Scope

# What every co-following member may see whatever is shared (see
# relais.network.coordination.sharing.TEAM_BASE_CAPABILITIES): that the person is followed
# and the referrals their own organisation is a side of.
BASE = "base"


@dataclass(frozen=True)
class Context:
    """What an indicator is computed for."""

    membership: object
    scope: Scope
    filter: ReportFilter
    today: dt.date
    # For the team scope: the category shared with the member that the indicator needs.
    category: str = BASE
    _persons: QuerySet | None = field(default=None, compare=False)
    # Figures shared by the indicators of one dashboard: the indicators that read the same
    # table (pathways, exits, referrals) take their rows from one query, computed once.
    shared: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def organisation_id(self) -> int:
        return self.membership.organisation_id

    @property
    def start(self) -> dt.date:
        return self.filter.start

    @property
    def end(self) -> dt.date:
        return self.filter.end

    def once(self, name: str, compute: Callable[[Context], Any]) -> Any:
        """`compute(self)`, computed once per dashboard for this scope, filters and
        shared category (so that the co-following scope never mixes categories)."""
        key = (name, self.category)
        if key not in self.shared:
            self.shared[key] = compute(self)
        return self.shared[key]

    def persons(self) -> QuerySet[Person]:
        """The persons counted, as a queryset to use in `person__in=` (never evaluated)."""
        return scope_persons(self.membership, self.scope, self.filter, category=self.category)

    def person_ids(self) -> QuerySet:
        return self.persons().values("pk")


def team_person_ids(membership, category: str = BASE) -> QuerySet:
    """Persons co-followed by the user for this organisation, whose membership shares
    `category` (BASE: any active membership). The shared categories are a JSON list: the
    test is a text match on the serialised list (`"steps"` with its quotes), the same on
    SQLite and PostgreSQL."""
    members = cofollowing(membership)
    if category != BASE:
        members = members.filter(shared_categories__icontains=f'"{category}"')
    return members.values("team__person_id")


def scope_persons(
    membership, scope: Scope, flt: ReportFilter, *, category: str = BASE
) -> QuerySet[Person]:
    if scope == Scope.TEAM:
        persons = Person.objects.filter(
            pk__in=team_person_ids(membership, category), merged_into__isnull=True
        )
    else:
        persons = Person.objects.own_of(membership)
        if scope == Scope.CASELOAD:
            persons = persons.filter(referent_id=membership.user_id)
        elif flt.referent_id:
            persons = persons.filter(referent_id=flt.referent_id)
    if scope == Scope.TEAM:
        # Only the filters on what every team member sees: a commune or an age band would
        # tell where a co-followed person lives and how old they are, which only the
        # « Identité » category shares; pathways (the scheme) are not shared at all.
        return persons
    if flt.commune_code:
        persons = persons.filter(commune_code=flt.commune_code)
    born_from, born_until = flt.birth_date_range()
    if born_until is not None:
        persons = persons.filter(birth_date__lte=born_until)
    if born_from is not None:
        persons = persons.filter(birth_date__gte=born_from)
    if flt.scheme:
        persons = persons.filter(
            Exists(
                Pathway.objects.filter(person_id=OuterRef("pk"), scheme=flt.scheme).filter(
                    overlaps(flt.start, flt.end)
                )
            )
        )
    return persons


def overlaps(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """Pathways in progress at some time in [start, end]: started by the end, not exited
    before the start."""
    return Q(**{f"{prefix}started_on__lte": end}) & (
        Q(**{f"{prefix}exit__isnull": True}) | Q(**{f"{prefix}exit__exited_on__gte": start})
    )
