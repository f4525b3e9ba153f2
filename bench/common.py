"""Helpers shared by the data generators of the benchmark: timed steps, explicit primary
keys, batched inserts of the real models' rows (keeping the timestamps they are given:
no `auto_now`), sequences reset afterwards."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterable, Iterator

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Max


@contextlib.contextmanager
def step(label: str, indent: int = 2) -> Iterator[None]:
    """Print a step and how long it took (the benchmark reports each step's duration)."""
    print(f"{' ' * indent}{label}…", end="", flush=True)
    start = time.perf_counter()
    yield
    print(f" {time.perf_counter() - start:.1f} s", flush=True)


def letters(value: str) -> str:
    """Names hold letters only (relais.people.rules): hexadecimal digits spelt as letters
    (0 → a, 1 → b… f → p)."""
    return "".join(chr(ord("a") + int(c, 16)) if c.isalnum() else c for c in value)


class Ids:
    """Explicit primary keys, allocated ahead of the inserts: parents and children of a batch
    are built in one pass, without reading back the keys the database chose (and the same
    seed gives the same keys). `reset_sequences` must run after the load."""

    def __init__(self) -> None:
        self._next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model], count: int = 1) -> int:
        """The first of `count` consecutive free keys of `model`."""
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        first = self._next[model]
        self._next[model] = first + count
        return first

    def models(self) -> list[type[models.Model]]:
        return list(self._next)


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """SQLite: a large page cache for this connection while it loads (with the default
    2 MB, inserts into the dozen indexes of a million-row table keep evicting and
    re-reading pages) and no fsync. The server's connections keep their own settings."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous")
        synchronous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -2000000")  # 2 GB
        # A crash during the load loses a throwaway database: no fsync at each commit.
        cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache}")
            cursor.execute(f"PRAGMA synchronous = {synchronous}")


def reset_sequences(model_list: Iterable[type[models.Model]]) -> None:
    """PostgreSQL: move each table's sequence past the explicit keys (SQLite's AUTOINCREMENT
    follows the largest key by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


_CONVERTED = (
    models.DateField,  # DateTimeField included
    models.TimeField,
    models.JSONField,
    models.DecimalField,
    models.UUIDField,
    models.GenericIPAddressField,
)
_MISSING = object()


def _sqlite_datetime(value: dt.datetime) -> str:
    # What DateTimeField.get_db_prep_save gives on SQLite for an aware datetime (USE_TZ):
    # naive UTC as text. Fifteen times cheaper than the generic path, which dominated the
    # generation time.
    if value.tzinfo is None:
        raise ValueError("naive datetime in generated data")
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _converter(field: models.Field):
    """None (the value goes as is) or the function turning a value into what the database
    takes, as `field.get_db_prep_save` does."""
    if not isinstance(field, _CONVERTED):
        return None
    wrapper = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the thread-local proxy
    if connection.vendor == "sqlite":
        if isinstance(field, models.DateTimeField):
            return _sqlite_datetime
        if isinstance(field, models.DateField):
            return str
    elif connection.vendor == "postgresql" and isinstance(field, models.DateField):
        if isinstance(field, models.DateTimeField):
            return _aware
        return None  # psycopg adapts dates itself, as Django lets it do
    return lambda value: field.get_db_prep_save(value, wrapper)


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime in generated data")
    return value


class _Plan:
    """How rows of one model are written: the INSERT of all its concrete columns, and per
    column the attribute name, the field (for its default) and whether the value goes
    through the field's own conversion (`Field.get_db_prep_save`, as bulk_create does)."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = [f for f in model._meta.concrete_fields if not f.generated]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 — names from the model
        self.copy_sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        self.fields = [(f.attname, f, _converter(f)) for f in fields]
        self.attnames = {f.attname for f in fields}
        self.model = model

    def check(self, row: dict) -> None:
        unknown = set(row) - self.attnames
        if unknown:
            raise TypeError(f"{self.model.__name__}: unknown fields {sorted(unknown)}")

    def values(self, row: dict) -> tuple:
        out = []
        for attname, field, convert in self.fields:
            value = row.get(attname, _MISSING)
            if value is _MISSING:
                value = field.get_default()
            if convert is not None and value is not None:
                value = convert(value)
            out.append(value)
        return tuple(out)


class Inserter:
    """Collects rows (dicts of attribute names → values) per model and writes them in
    batches, model by model in the order they were first added (parents first), one
    transaction per flush.

    Why not bulk_create: on this two-core machine it writes 8,000 to 15,000 rows per second
    of CPU (model instances, then per-value compilation), so 4 million rows would take 5 to
    8 minutes of CPU before any measurement. The rows here are the real models' rows — the
    same table, every concrete column, the fields' defaults and the fields' own conversion
    to the database (`get_db_prep_save`, what bulk_create calls) — written with one
    parametrised INSERT per model and `executemany` (SQLite) or COPY (PostgreSQL), several
    times faster. The database's constraints (foreign keys, CHECK, UNIQUE) apply as for any
    insert."""

    def __init__(self, batch_rows: int = 5000) -> None:
        self.batch_rows = batch_rows
        self.pending: dict[type[models.Model], list[dict]] = {}
        self.counts: dict[type[models.Model], int] = {}
        self._plans: dict[type[models.Model], _Plan] = {}

    def add(self, model: type[models.Model], row: dict) -> None:
        self.pending.setdefault(model, []).append(row)

    def size(self) -> int:
        return sum(len(v) for v in self.pending.values())

    def flush(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for model, rows in self.pending.items():
                if not rows:
                    continue
                plan = self._plans.get(model) or self._plans.setdefault(model, _Plan(model))
                plan.check(rows[0])
                if connection.vendor == "postgresql":
                    # COPY: the fastest way into PostgreSQL, same rows, same constraints.
                    with cursor.cursor.copy(plan.copy_sql) as copy:
                        for row in rows:
                            copy.write_row(plan.values(row))
                else:
                    for start in range(0, len(rows), self.batch_rows):
                        batch = [plan.values(r) for r in rows[start : start + self.batch_rows]]
                        cursor.executemany(plan.sql, batch)
                self.counts[model] = self.counts.get(model, 0) + len(rows)
        for rows in self.pending.values():
            rows.clear()

    def total(self) -> int:
        return sum(self.counts.values())
