"""Read-only queries compiled to SQL once per database connection, then run with other ids.

For the small indexed queries of the busiest pages, building a queryset and compiling it
costs far more than running it: the caseload's contract check spent about 5 ms in the ORM
for 0.6 ms of SQL (docs/performance.md). A `CompiledQuery` builds its `values_list`
queryset once per connection, with placeholder ids; it keeps the SQL, where each id goes
among the parameters and the compiler (for the rows' conversions). A call only fills the
parameters, runs the SQL through the connection's own cursor (the debug log and the tests'
query counts see it) and converts the rows exactly as `values_list` would.

`build` may also return a queryset of model instances (with `select_related`): a call then
builds the instances as the ORM's own iterator does (`Model.from_db`, the related objects'
populators, annotations as attributes), for the lookups every request of a kind makes
(the person a page is about).

What it asks of the queryset: its SQL depends on the number of ids, never on their values
(no `if` on an id in `build`). Lists of ids are padded to a bucket size by repeating their
last id, which changes no `IN`'s result; each bucket size is compiled once. An empty list
answers an empty result without a query; a list longer than the largest bucket goes
through the ORM as usual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet, Value
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators

BUCKETS = (1, 4, 16, 64, 256, 1024)
# Placeholder ids: no row has a negative id, and these are far from any literal of a query,
# yet within a 32-bit integer column's range (PostgreSQL: Django answers an empty result
# without SQL for an id out of a column's range — e.g. django-otp's devices).
_PLACEHOLDER_BASE = -2_031_000_000
# Placeholder texts: no key or name a query compares with holds a NUL character.
_TEXT_PLACEHOLDER = "\x00compiled-query-{}"
# Placeholder moments: a second of 1901, told apart by their microseconds.
_MOMENT_PLACEHOLDER = dt.datetime(1901, 2, 3, 4, 5, 6, 700_000, tzinfo=dt.UTC)


class _Compiled:
    __slots__ = ("compiler", "converters", "instances", "names", "params", "slots", "sql")

    def __init__(self, queryset: QuerySet, placeholders: dict[int | str, tuple[str, int | None]]):
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            raise ValueError("CompiledQuery: no prefetch_related nor related managers' querysets")
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        slots = []
        for position, value in enumerate(params):
            if isinstance(value, int | str | dt.datetime) and value in placeholders:
                slots.append((position, *placeholders[value]))
        missing = set(placeholders) - {params[p] for p, _, _ in slots}
        if missing:
            raise ValueError(f"CompiledQuery: ids not found among the parameters: {missing}")
        self.compiler, self.sql, self.params, self.slots = compiler, sql, list(params), slots
        # The rows' conversions, as `results_iter` looks them up at every call (one
        # `get_db_converters` per column): looked up once.
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("CompiledQuery: no composite primary key among the columns")
        self.converters = compiler.get_converters(fields)
        # A `values()` queryset: its rows as dicts, with ValuesIterable's names.
        self.names = None
        if queryset._iterable_class is ValuesIterable:
            query = queryset.query
            if query.selected:
                self.names = list(query.selected)
            else:
                self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        # A queryset of model instances: what ModelIterable computes before its rows.
        self.instances = None
        if queryset._iterable_class is ModelIterable:
            info = compiler.klass_info
            start, end = info["select_fields"][0], info["select_fields"][-1] + 1
            self.instances = (
                info["model"],
                start,
                end,
                [f[0].target.attname for f in compiler.select[start:end]],
                get_related_populators(info, compiler.select, queryset.db),
                compiler.annotation_col_map,
            )

    def rows_to_instances(self, rows) -> list:
        """As `django.db.models.query.ModelIterable` builds its instances."""
        model, start, end, init_list, populators, annotations = self.instances
        db = self.compiler.using
        objects = []
        for row in rows:
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in (annotations or {}).items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


class CompiledQuery:
    """`build(**kwargs)` returns a `values_list` queryset (or `values()`: dicts, or model
    instances); `ids` names its int arguments, `texts` its str arguments compared as they
    are (a key), `moments` its aware datetimes compared with a `DateTimeField`, `keys`
    arguments passed as they are that select a variant compiled apart (a LIMIT: keep their
    values few), `id_lists` its arguments that are lists of ints. `flat=True`: the first
    column only."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        ids: Sequence[str] = (),
        texts: Sequence[str] = (),
        moments: Sequence[str] = (),
        id_lists: Sequence[str] = (),
        keys: Sequence[str] = (),
        flat: bool = False,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        self.build, self.ids, self.id_lists = build, tuple(ids), tuple(id_lists)
        self.texts, self.moments = tuple(texts), tuple(moments)
        self.keys = tuple(keys)
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
        variant = tuple(kwargs[name] for name in self.keys)
        key = (tuple(sizes.values()), variant)
        compiled = per_connection.get(key)
        if compiled is None:
            compiled = per_connection[key] = self._compile(sizes, variant)
        params = compiled.params.copy()
        for position, name, index in compiled.slots:
            if index is None:
                params[position] = kwargs[name]
            elif index == _MOMENT:
                params[position] = _adapt_moment(connection, kwargs[name])
            else:
                values = kwargs[name]
                params[position] = values[index] if index < len(values) else values[-1]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            results = cursor.fetchall()
        rows = results
        if compiled.converters:
            rows = map(tuple, compiled.compiler.apply_converters(rows, compiled.converters))
        if compiled.instances is not None:
            return compiled.rows_to_instances(rows)
        if compiled.names is not None:
            return [dict(zip(compiled.names, row, strict=True)) for row in rows]
        return [row[0] for row in rows] if self.flat else list(rows)

    def _compile(self, sizes: dict[str, int], variant: tuple) -> _Compiled:
        placeholders: dict[int | str, tuple[str, int | None]] = {}
        arguments: dict[str, object] = dict(zip(self.keys, variant, strict=True))
        counter = iter(range(_PLACEHOLDER_BASE, _PLACEHOLDER_BASE - 10**6, -1))
        for name in self.ids:
            value = next(counter)
            placeholders[value] = (name, None)
            arguments[name] = value
        for position, name in enumerate(self.texts):
            text = _TEXT_PLACEHOLDER.format(position)
            placeholders[text] = (name, None)
            arguments[name] = text
        connection = connections[self.using]
        for position, name in enumerate(self.moments):
            moment = _MOMENT_PLACEHOLDER + dt.timedelta(microseconds=position)
            placeholders[_adapt_moment(connection, moment)] = (name, _MOMENT)
            arguments[name] = moment
        for name, size in sizes.items():
            values = [next(counter) for _ in range(size)]
            placeholders.update({v: (name, i) for i, v in enumerate(values)})
            arguments[name] = values
        return _Compiled(self.build(**arguments).using(self.using), placeholders)


_MOMENT = -1  # the slot of a moment: adapted as the database takes a DateTimeField's value


def _adapt_moment(connection, value: dt.datetime):
    """As `DateTimeField.get_db_prep_value` gives an aware datetime to the database."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValueError("CompiledQuery: a moment is an aware datetime")
    return connection.ops.adapt_datetimefield_value(value)


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
