"""The persons a dashboard counts: one queryset of persons, used as a subquery by every
indicator (never loaded: the figures are aggregates computed by the database).

Within one dashboard's computation (`scope_tables`), that queryset is run once into a
temporary table of person ids, which every indicator's statement reads instead of running
it again: with a scheme filter the scope alone took about 100 ms on PostgreSQL at 20,000
persons, in each of some fifteen statements (decision 0071)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from relais.network.coordination.sharing import cofollowing
from relais.pathways.models import Pathway
from relais.people.models import Person
from relais.reporting.filters import ReportFilter, Scope

# What every co-following member may see whatever is shared (see
# relais.network.coordination.sharing.TEAM_BASE_CAPABILITIES): that the person is followed
# and the referrals their own organisation is a side of.
BASE = "base"
# The key, in a dashboard's `shared` dict, of its `ScopeTables` (while `scope_tables` runs).
_TABLES = "scope_tables"


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

    @property
    def scope_key(self) -> str:
        """What the persons counted depend on besides the filters: the shared category,
        for the co-following scope only (elsewhere every indicator counts the same
        persons)."""
        return self.category if self.scope == Scope.TEAM else BASE

    def once(self, name: str, compute: Callable[[Context], Any]) -> Any:
        """`compute(self)`, computed once per dashboard for this scope, filters and
        shared category (so that the co-following scope never mixes categories)."""
        key = (name, self.scope_key)
        if key not in self.shared:
            self.shared[key] = compute(self)
        return self.shared[key]

    def persons(self) -> QuerySet[Person]:
        """The persons counted, as a queryset to use in `person__in=` (never evaluated)."""
        tables = self.shared.get(_TABLES)
        if tables is not None:
            return Person.objects.filter(pk__in=tables.ids(self))
        return self._scope_queryset()

    def person_ids(self) -> QuerySet | RawSQL:
        """The ids of the persons counted, for `person__in=`: the dashboard's temporary
        table when one is being computed (`scope_tables`), else a subquery."""
        tables = self.shared.get(_TABLES)
        if tables is not None:
            return tables.ids(self)
        return self._scope_queryset().values("pk")

    def _scope_queryset(self) -> QuerySet[Person]:
        return scope_persons(self.membership, self.scope, self.filter, category=self.category)


class ScopeTables:
    """The temporary tables of one dashboard's computation: one per scope key, created on
    first use, dropped at the end. Temporary tables belong to the database connection
    (session), so no other request sees them, and the server drops them if the process
    dies. Their names are made here, never from input."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self._suffix = uuid.uuid4().hex[:12]

    def ids(self, ctx: Context) -> RawSQL:
        name = self.names.get(ctx.scope_key)
        if name is None:
            name = f"reporting_scope_{len(self.names)}_{self._suffix}"
            sql, params = ctx._scope_queryset().order_by().values_list("pk").query.sql_with_params()
            with connection.cursor() as cursor:
                create = f'CREATE TEMPORARY TABLE "{name}" AS SELECT * FROM ({sql}) s'  # noqa: S608
                cursor.execute(create, params)
                # The planner needs the table's size to choose its joins; PostgreSQL's
                # autovacuum never analyses temporary tables.
                cursor.execute(f'ANALYZE "{name}"')
            self.names[ctx.scope_key] = name
        return RawSQL(f'SELECT * FROM "{name}"', ())  # noqa: S608, S611 (name made here)

    def drop(self) -> None:
        for name in self.names.values():
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP TABLE IF EXISTS "{name}"')
            except DatabaseError:
                # The transaction failed: its rollback removes the table (PostgreSQL), or
                # the connection's end does.
                pass
        self.names.clear()


@contextmanager
def scope_tables(shared: dict, *, enabled: bool = True) -> Iterator[None]:
    """While it runs, the contexts sharing `shared` read the persons counted from
    temporary tables (see the module's docstring)."""
    if not enabled:
        yield
        return
    # On PostgreSQL, in one transaction: behind a pooler in transaction mode (PgBouncer,
    # docs/performance.md), every statement of the dashboard then reaches the server session
    # that holds its tables. Not on SQLite, where a transaction would hold the write lock
    # (BEGIN IMMEDIATE) for the whole computation, and the connection is the process's own.
    session = transaction.atomic() if connection.vendor == "postgresql" else nullcontext()
    with session:
        tables = ScopeTables()
        shared[_TABLES] = tables
        try:
            yield
        finally:
            del shared[_TABLES]
            tables.drop()


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
