"""Small counts in aggregates: what may be shown beyond one professional's own caseload.

A count of 1 to 4 persons, shown to a manager, a partner or a funder, can point at someone
(« the only person over 60 in this commune with a housing barrier »). Every aggregate shown
outside the référent's own caseload goes through here:

- **primary suppression**: a count from 1 to `THRESHOLD - 1` is shown « < 5 »; zero is shown
  (it reveals nobody);
- **secondary suppression**: in a table whose totals are shown, a row or column with a single
  suppressed cell would let it be recomputed (total minus the others); the smallest other
  non-zero cell of that line is suppressed too (or, when there is none, the line's total),
  until no small count can be computed back from what is shown. A count hidden only to protect another one is
  shown « s » (`SECONDARY_LABEL`), not « < 5 »: it may well be 5 or more, and a reader must
  not take it for a small group. Pages that show « s » carry `SECONDARY_LEGEND`.
- **linked figures**: the same sums often appear in several tables of a page (a column's
  total is another table's cell). `suppress_lines` takes every figure once, by key, with
  every sum that ties them, so that a figure is hidden everywhere or nowhere, and no small
  count can be computed back by any combination of those sums.

The functions work on plain integers so that any module can use them on rows the database
aggregated; nothing here knows about persons.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

THRESHOLD = 5
SUPPRESSED_LABEL = f"< {THRESHOLD}"
SECONDARY_LABEL = "s"
SECONDARY_LEGEND = "s : chiffre masqué pour protéger un petit effectif"
Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Figure:
    """A count as it may be shown. `value` is kept for sorting and charts of the referent's own
    figures, but is `None` once suppressed so that a template cannot show it by mistake."""

    value: int | None
    suppressed: bool = False
    secondary: bool = False  # hidden to protect another count, not because it is small

    def __str__(self) -> str:
        if self.suppressed:
            return SECONDARY_LABEL if self.secondary else SUPPRESSED_LABEL
        return f"{self.value:,}".replace(",", "\u202f") if self.value is not None else "–"

    @property
    def shown(self) -> int | None:
        return None if self.suppressed else self.value


def is_small(count: int | None, *, threshold: int = THRESHOLD) -> bool:
    return count is not None and 0 < count < threshold


def suppress(count: int | None, *, threshold: int = THRESHOLD) -> Figure:
    """Primary suppression of one count."""
    if is_small(count, threshold=threshold):
        return Figure(None, suppressed=True)
    return Figure(count)


def rate(numerator: int, denominator: int, *, threshold: int = THRESHOLD) -> float | None:
    """A percentage that is shown only when neither of its counts is small (a rate of 1/3 is
    « 33 % », which names one person as surely as the count does)."""
    if denominator <= 0 or is_small(numerator, threshold=threshold):
        return None
    if is_small(denominator, threshold=threshold):
        return None
    return round(100 * numerator / denominator, 1)


@dataclass(frozen=True)
class SuppressedTable:
    cells: list[list[Figure]]
    row_totals: list[Figure]
    column_totals: list[Figure]
    total: Figure

    @property
    def any_suppressed(self) -> bool:
        return any(c.suppressed for row in self.cells for c in row) or any(
            t.suppressed for t in (*self.row_totals, *self.column_totals, self.total)
        )


def suppress_lines(
    values: Mapping[Key, int],
    lines: Sequence[tuple[Sequence[Key], Key]],
    *,
    threshold: int = THRESHOLD,
) -> dict[Key, Figure]:
    """Primary and secondary suppression of figures tied by sums, possibly across several
    tables of one page (a column's total that is another table's cell, the same count shown
    twice).

    `values` holds every figure once, by key; each line is (cells, total) with
    `values[total] == sum(values[c] for c in cells)`. A figure is hidden everywhere or
    nowhere. Counts from 1 to `threshold - 1` are hidden; then, while one of them can be
    computed back from the figures shown by any combination of the lines (« the total of
    the exits minus the exits of the rate table »), another figure is hidden: the smallest
    non-zero one shown in a line holding it (a cell before a total), widening to the lines
    of the other hidden figures when none is left. Keys that are in `values` but shown
    nowhere (a difference the reader could compute) take part like the others."""
    keys = list(values)
    position = {key: i for i, key in enumerate(keys)}
    counts = [values[key] for key in keys]
    equations = [([position[c] for c in cells], position[total]) for cells, total in lines]
    hidden = _hide(counts, equations, threshold=threshold)
    return {
        key: Figure(None, suppressed=True, secondary=not is_small(counts[i], threshold=threshold))
        if hidden[i]
        else Figure(counts[i])
        for i, key in enumerate(keys)
    }


def suppress_table(rows: Sequence[Sequence[int]], *, threshold: int = THRESHOLD) -> SuppressedTable:
    """Primary and secondary suppression of a table of counts shown with its row totals,
    column totals and grand total: the table with its totals is one (rows + 1) × (columns + 1)
    grid in which every line (a row with its total, a column with its total) is a sum."""
    values = [list(row) for row in rows]
    height = len(values)
    width = len(values[0]) if values else 0
    if any(len(row) != width for row in values):
        raise ValueError("Toutes les lignes du tableau doivent avoir le même nombre de cases.")
    grid = [[*row, sum(row)] for row in values]
    grid.append([sum(grid[r][c] for r in range(height)) for c in range(width + 1)])
    cells = {(r, c): grid[r][c] for r in range(height + 1) for c in range(width + 1)}
    lines = [([(r, c) for c in range(width)], (r, width)) for r in range(height + 1)]
    lines += [([(r, c) for r in range(height)], (height, c)) for c in range(width + 1)]
    figures = suppress_lines(cells, lines, threshold=threshold)
    return SuppressedTable(
        cells=[[figures[(r, c)] for c in range(width)] for r in range(height)],
        row_totals=[figures[(r, width)] for r in range(height)],
        column_totals=[figures[(height, c)] for c in range(width)],
        total=figures[(height, width)],
    )


def suppress_series(
    values: Sequence[int], *, threshold: int = THRESHOLD
) -> tuple[list[Figure], Figure]:
    """Counts by category shown with their total (a one-line table)."""
    if not values:
        return [], Figure(0)
    counts: dict[int | str, int] = {i: value for i, value in enumerate(values)}
    counts["total"] = sum(values)
    figures = suppress_lines(counts, [(list(range(len(values))), "total")], threshold=threshold)
    return [figures[i] for i in range(len(values))], figures["total"]


# --- Whether a hidden count can be computed back ----------------------------------------


Equation = tuple[Sequence[int], int]  # (indexes of the parts, index of their total)
Number = int | Fraction


def _reduce(vector: dict[int, Number], basis: list[tuple[int, dict[int, Number]]]) -> None:
    for pivot, row in basis:
        factor = vector.get(pivot)
        if factor:
            for column, value in row.items():
                result = vector.get(column, 0) - factor * value
                if result:
                    vector[column] = result
                else:
                    vector.pop(column, None)


def _basis(rows: list[dict[int, Number]]) -> list[tuple[int, dict[int, Number]]]:
    """An echelon basis of the rows (each reduced by the ones before it), exact: integers
    while the pivots are ±1 (the sums' coefficients are), fractions otherwise."""
    basis: list[tuple[int, dict[int, Number]]] = []
    for row in rows:
        vector = dict(row)
        _reduce(vector, basis)
        if vector:
            pivot = min(vector)
            scale = vector[pivot]
            if scale in (1, -1):
                basis.append((pivot, {c: v * scale for c, v in vector.items()}))
            else:
                basis.append((pivot, {c: Fraction(v) / scale for c, v in vector.items()}))
    return basis


def _recoverable_among(
    cells: Sequence[int], hidden: set[int], equations: Sequence[Equation]
) -> set[int]:
    """Which of the hidden `cells` can be computed back from the figures shown (see
    `recoverable`). The sums restricted to the hidden figures split into independent groups
    (sums sharing no hidden figure: each domain of a page, each table); one echelon basis is
    built per group, and each cell is checked against its own group's only — the cost of a
    page is then that of its largest table, not of all its tables times all its cells."""
    rows: list[dict[int, Number]] = []
    for parts, total in equations:
        row: dict[int, Number] = {}
        for index, sign in [*((p, 1) for p in parts), (total, -1)]:
            if index in hidden:
                row[index] = row.get(index, 0) + sign
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_row: dict[int, int] = {}
    for i, row in enumerate(rows):
        for cell in row:
            if cell in first_row:
                parent[root(i)] = root(first_row[cell])
            else:
                first_row[cell] = i
    groups: dict[int, list[dict[int, Number]]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(root(i), []).append(row)
    bases: dict[int, list[tuple[int, dict[int, Number]]]] = {}
    found = set()
    for cell in cells:
        if cell not in hidden or cell not in first_row:
            continue  # shown, or in no sum with another hidden figure: not computed back
        group = root(first_row[cell])
        if group not in bases:
            bases[group] = _basis(groups[group])
        vector: dict[int, Number] = {cell: 1}
        _reduce(vector, bases[group])
        if not vector:
            found.add(cell)
    return found


def recoverable(cell: int, hidden: set[int], equations: Sequence[Equation]) -> bool:
    """Whether a hidden cell can be computed back from the cells shown, by adding and
    subtracting the sums shown (any combination of them, across tables: « total of the
    exits minus the exits of the rate table »): the cell is then a combination of the
    equations restricted to the hidden cells."""
    return cell in _recoverable_among([cell], hidden, equations)


def _hide(values: Sequence[int], equations: Sequence[Equation], *, threshold: int) -> list[bool]:
    """Which of `values` to hide (see `suppress_lines`), by position. A figure hidden only to
    protect another, that the figures shown determine anyway once the search is over, is
    shown again: hiding it protects nothing and would only puzzle the reader (so no line
    ends with exactly one hidden figure)."""
    found = [is_small(v, threshold=threshold) for v in values]
    protected = [i for i, h in enumerate(found) if h]
    while True:
        hidden_set = {i for i, h in enumerate(found) if h}
        exposed_now = _recoverable_among(protected, hidden_set, equations)
        exposed = next((i for i in protected if i in exposed_now), None)
        if exposed is None:
            break
        choice = _next_to_hide(exposed, hidden_set, values, equations)
        if choice is None:  # nothing left to hide: cannot happen with non-zero sums
            break
        found[choice] = True
    # In order, each secondary figure the others determine is shown again (which may change
    # what the later ones need, so the check resumes after each one shown).
    remaining = sorted(hidden_set - set(protected))
    while remaining:
        determined = _recoverable_among(remaining, hidden_set, equations)
        shown = next((i for i in remaining if i in determined), None)
        if shown is None:
            break
        found[shown] = False
        hidden_set.discard(shown)
        remaining = [i for i in remaining if i > shown]
    return found


def _next_to_hide(
    exposed: int, hidden: set[int], values: Sequence[int | None], equations: Sequence[Equation]
) -> int | None:
    def candidates(around: set[int]) -> list[tuple[bool, int, int]]:
        found = []
        for parts, total in equations:
            members = [*parts, total]
            if not around.intersection(members):
                continue
            for index in members:
                if index not in hidden and values[index]:
                    found.append((index == total, values[index], index))
        return found

    for around in ({exposed}, hidden):
        found = candidates(around)
        if found:
            return min(found)[2]
    return None
