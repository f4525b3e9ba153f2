"""Derived columns of a diagnostic (decision 0069): its place in the person's sequence and a
summary of its assessments, so that the territory's observed needs read one narrow row per
diagnosed person instead of searching each person's latest diagnostic of a period among all
of theirs and joining every domain assessment.

- `superseded_on`: the `assessed_on` of the person's next diagnostic in (assessed_on, id)
  order, empty for the latest one. A diagnostic is then the person's latest of a period
  [start, end] exactly when `start <= assessed_on <= end` and `superseded_on` is empty or
  after `end` (`latest_of_period`).
- `significant_domains` / `blocking_domains`: bit masks (`DOMAIN_BITS`) of the domains
  assessed with an important or blocking difficulty, and with a blocking one;
  `significant_barriers`: the barriers noted in those domains (codes separated by spaces).

Kept by the diagnostics services at each create, correction and deletion, by a merge of two
persons or its undoing (`after_records_moved`), and repaired in bulk by the
`diagnostics_refresh_summaries` command (after raw writes: imports, the bench). Writes touch
only these columns: neither `version` nor `updated_at` moves."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Q

from relais.diagnostics.domains import Difficulty, Domain
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.people.merging import after_records_moved
from relais.people.models import Person

SIGNIFICANT = Difficulty.SIGNIFICANT  # « importante » or worse
BLOCKING = Difficulty.BLOCKING
# One bit per life domain. A new domain is appended (never inserted): the stored masks keep
# their meaning; a reordering would need `diagnostics_refresh_summaries` to be run.
DOMAIN_BITS: dict[str, int] = {domain: 1 << i for i, domain in enumerate(Domain.values)}
SUMMARY_FIELDS = [
    "superseded_on",
    "significant_domains",
    "blocking_domains",
    "significant_barriers",
]


_AFTER_CHANGE: list[Callable[[], None]] = []


def after_diagnostics_changed(callback: Callable[[], None]) -> Callable[[], None]:
    """Register `callback()`, run inside the transaction of every write that changes a
    diagnostic's place or summary (create, correction, deletion, merge, repair): the figures
    computed from them (the territory's observed needs) are then out of date. Diagnostics
    cannot import those apps (the layers go the other way)."""
    if callback not in _AFTER_CHANGE:
        _AFTER_CHANGE.append(callback)
    return callback


def latest_of_period(start: dt.date, end: dt.date) -> Q:
    """Diagnostics that are their person's latest of [start, end]."""
    return Q(assessed_on__gte=start, assessed_on__lte=end) & (
        Q(superseded_on__isnull=True) | Q(superseded_on__gt=end)
    )


def summarise(assessments: Iterable[tuple[str, int | None, list[str]]]) -> tuple[int, int, str]:
    """(significant mask, blocking mask, barriers) of (domain, difficulty, barriers) rows:
    the barriers of the significant assessments, each code once per assessment (a code
    belongs to one domain), sorted, separated by spaces (codes are short, without spaces:
    `barrier_codes_for`)."""
    significant = blocking = 0
    barriers: list[str] = []
    for domain, difficulty, codes in assessments:
        if difficulty is not None and difficulty >= SIGNIFICANT:
            significant |= DOMAIN_BITS[domain]
            if difficulty >= BLOCKING:
                blocking |= DOMAIN_BITS[domain]
            barriers.extend(sorted(set(codes or ())))
    return significant, blocking, " ".join(barriers)


def _write(column_values: dict[str, list[tuple]]) -> None:
    """`UPDATE diagnostic SET <column(s)> WHERE id` for each row: executemany of plain
    tuples (bulk_update's CASE expressions are slow over tens of thousands of rows)."""
    table = connection.ops.quote_name(Diagnostic._meta.db_table)
    with connection.cursor() as cursor:
        for columns, rows in column_values.items():
            if not rows:
                continue
            assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns.split())
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 (names from the model)
                rows,
            )


def refresh_sequence(person_ids: Iterable[int]) -> int:
    """Recompute `superseded_on` of every diagnostic of these persons; returns the number
    of rows changed. Every write path of the diagnostics ends here: it tells the
    `after_diagnostics_changed` callbacks."""
    ids = sorted(set(person_ids))
    if not ids:
        return 0
    if connection.in_atomic_block:
        # Two diagnostics of one person saved at once: the second waits for the first and
        # then reads both (PostgreSQL; SQLite writes one transaction at a time anyway).
        # « No key » update: the weakest row lock that still makes two saves of one
        # person's sequence queue (it leaves the key-share locks of foreign keys alone).
        list(Person.objects.select_for_update(no_key=True).filter(pk__in=ids).values_list("pk"))
    rows = (
        Diagnostic.objects.filter(person_id__in=ids)
        .order_by("person_id", "assessed_on", "id")
        .values_list("id", "person_id", "assessed_on", "superseded_on")
    )
    changed: list[tuple] = []
    previous = None
    for row in rows:
        if previous is not None:
            wanted = row[2] if row[1] == previous[1] else None
            if previous[3] != wanted:
                changed.append((wanted, previous[0]))
        previous = row
    if previous is not None and previous[3] is not None:
        changed.append((None, previous[0]))
    _write({"superseded_on": changed})
    for callback in _AFTER_CHANGE:
        callback()
    return len(changed)


def refresh_summaries(
    *, diagnostic_ids: Iterable[int] | None = None, person_ids: Iterable[int] | None = None
) -> int:
    """Recompute the domain masks and barriers of these diagnostics (or of every diagnostic of these
    persons); returns the number of rows changed."""
    if diagnostic_ids is not None:
        scope = Q(id__in=sorted(set(diagnostic_ids)))
        assessed = Q(diagnostic_id__in=sorted(set(diagnostic_ids)))
    else:
        ids = sorted(set(person_ids or ()))
        scope = Q(person_id__in=ids)
        assessed = Q(diagnostic__person_id__in=ids)
    rows: dict[int, list[tuple[str, int, list[str]]]] = defaultdict(list)
    for diagnostic_id, *row in (
        DomainAssessment.objects.filter(assessed, difficulty__gte=SIGNIFICANT)
        .order_by("diagnostic_id", "domain")
        .values_list("diagnostic_id", "domain", "difficulty", "barriers")
    ):
        rows[diagnostic_id].append(row)
    changed = []
    for pk, *stored in Diagnostic.objects.filter(scope).values_list(
        "id", "significant_domains", "blocking_domains", "significant_barriers"
    ):
        wanted = summarise(rows.get(pk, ()))
        if tuple(stored) != wanted:
            changed.append((*wanted, pk))
    _write({"significant_domains blocking_domains significant_barriers": changed})
    return len(changed)


def refresh_diagnostic(diagnostic: Diagnostic) -> None:
    """After a diagnostic or its assessments were written: its masks and its person's
    sequence (a new date moves it among the person's others)."""
    refresh_summaries(diagnostic_ids=[diagnostic.pk])
    refresh_sequence([diagnostic.person_id])
    diagnostic.refresh_from_db(fields=SUMMARY_FIELDS)


@after_records_moved
def _records_moved(person_ids: list[int]) -> None:
    """A merge (or its undoing) moved diagnostics between persons: both sequences change."""
    refresh_sequence(person_ids)


def refresh_all(*, batch_size: int = 1000) -> tuple[int, int, int]:
    """Every person with a diagnostic, `batch_size` persons per transaction. Returns (persons,
    dates changed, masks changed).

    On PostgreSQL the two tables are analysed first: this runs after bulk writes (an import,
    a generator's COPY) that leave the planner without statistics, and without them each
    batch read both tables whole (sequential scans and a hash join: 2.1 s per batch of 1,000
    persons at 100,000 persons, 0.18 s with statistics — and growing with the tables)."""
    if connection.vendor == "postgresql":
        tables = (Diagnostic._meta.db_table, DomainAssessment._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(map(connection.ops.quote_name, tables))}")
    person_ids = list(
        Diagnostic.objects.order_by("person_id").values_list("person_id", flat=True).distinct()
    )
    dates = summaries = 0
    for i in range(0, len(person_ids), batch_size):
        batch = person_ids[i : i + batch_size]
        with transaction.atomic():
            dates += refresh_sequence(batch)
            summaries += refresh_summaries(person_ids=batch)
    return len(person_ids), dates, summaries
