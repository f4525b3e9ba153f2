"""Read-only queries compiled to SQL once per database connection, then run with other ids.

For the small indexed queries of the busiest pages, building a queryset and compiling it
costs far more than running it: the caseload's contract check spent about 5 ms in the ORM
for 0.6 ms of SQL (docs/performance.md). A `CompiledQuery` builds its `values_list`
queryset once per connection, with placeholder ids; it keeps the SQL, where each id goes
among the parameters and the compiler (for the rows' conversions). A call only fills the
parameters, runs the SQL through the connection's own cursor (the debug log and the tests'
query counts see it) and converts the rows exactly as `values_list` would.

What it asks of the queryset: its SQL depends on the number of ids, never on their values
(no `if` on an id in `build`). Lists of ids are padded to a bucket size by repeating their
last id, which changes no `IN`'s result; each bucket size is compiled once. An empty list
answers an empty result without a query; a list longer than the largest bucket goes
through the ORM as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet, Value

BUCKETS = (1, 4, 16, 64, 256, 1024)
# Placeholder ids: no row has a negative id, and these are far from any literal of a query.
_PLACEHOLDER_BASE = -7_310_000_000


class _Compiled:
    __slots__ = ("compiler", "params", "slots", "sql")

    def __init__(self, queryset: QuerySet, placeholders: dict[int, tuple[str, int | None]]):
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        slots = []
        for position, value in enumerate(params):
            if isinstance(value, int) and value in placeholders:
                slots.append((position, *placeholders[value]))
        missing = set(placeholders) - {params[p] for p, _, _ in slots}
        if missing:
            raise ValueError(f"CompiledQuery: ids not found among the parameters: {missing}")
        self.compiler, self.sql, self.params, self.slots = compiler, sql, list(params), slots


class CompiledQuery:
    """`build(**kwargs)` returns a `values_list` queryset; `ids` names its int arguments,
    `id_lists` its arguments that are lists of ints. `flat=True`: the first column only."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        ids: Sequence[str] = (),
        id_lists: Sequence[str] = (),
        flat: bool = False,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        self.build, self.ids, self.id_lists = build, tuple(ids), tuple(id_lists)
        self.flat, self.using = flat, using
        # One entry per connection (each thread has its own): the compiler keeps its
        # connection, used again for the conversions.
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()

    def __call__(self, **kwargs) -> list:
        sizes = {}
        for name in self.id_lists:
            values = kwargs[name]
            if not values:
                return []
            bucket = next((b for b in BUCKETS if b >= len(values)), None)
            if bucket is None:  # too long to be worth compiling: the ORM as usual
                return list(self.build(**kwargs))
            sizes[name] = bucket
        connection = connections[self.using]
        per_connection = self._compiled.setdefault(connection, {})
        key = tuple(sizes.values())
        compiled = per_connection.get(key)
        if compiled is None:
            compiled = per_connection[key] = self._compile(sizes)
        params = compiled.params.copy()
        for position, name, index in compiled.slots:
            if index is None:
                params[position] = kwargs[name]
            else:
                values = kwargs[name]
                params[position] = values[index] if index < len(values) else values[-1]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            results = cursor.fetchall()
        rows = compiled.compiler.results_iter(results=[results], tuple_expected=True)
        return [row[0] for row in rows] if self.flat else list(rows)

    def _compile(self, sizes: dict[str, int]) -> _Compiled:
        placeholders: dict[int, tuple[str, int | None]] = {}
        arguments: dict[str, int | list[int]] = {}
        counter = iter(range(_PLACEHOLDER_BASE, _PLACEHOLDER_BASE - 10**6, -1))
        for name in self.ids:
            value = next(counter)
            placeholders[value] = (name, None)
            arguments[name] = value
        for name, size in sizes.items():
            values = [next(counter) for _ in range(size)]
            placeholders.update({v: (name, i) for i, v in enumerate(values)})
            arguments[name] = values
        return _Compiled(self.build(**arguments).using(self.using), placeholders)


def totals(queryset: QuerySet, **aggregates) -> QuerySet:
    """`queryset.aggregate(**aggregates)` as a one-row `values_list` (for `CompiledQuery`):
    grouped by a constant, i.e. not grouped at all — one row even when nothing matches."""
    return (
        queryset.order_by()
        .annotate(_everything=Value(1))
        .values("_everything")
        .annotate(**aggregates)
        .values_list(*aggregates)
    )
