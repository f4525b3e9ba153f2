"""Small counts in aggregates: what may be shown beyond one professional's own caseload.

A count of 1 to 4 persons, shown to a manager, a partner or a funder, can point at someone
(« the only person over 60 in this commune with a housing barrier »). Every aggregate shown
outside the référent's own caseload goes through here:

- **primary suppression**: a count from 1 to `THRESHOLD - 1` is shown « < 5 »; zero is shown
  (it reveals nobody);
- **secondary suppression**: in a table whose totals are shown, a row or column with a single
  suppressed cell would let it be recomputed (total minus the others); the smallest other
  non-zero cell of that line is suppressed too (or, when there is none, the line's total),
  until no line has exactly one hidden cell.

The functions work on plain integers so that any module can use them on rows the database
aggregated; nothing here knows about persons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5
SUPPRESSED_LABEL = f"< {THRESHOLD}"


@dataclass(frozen=True)
class Figure:
    """A count as it may be shown. `value` is kept for sorting and charts of the referent's own
    figures, but is `None` once suppressed so that a template cannot show it by mistake."""

    value: int | None
    suppressed: bool = False

    def __str__(self) -> str:
        if self.suppressed:
            return SUPPRESSED_LABEL
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


def suppress_table(rows: Sequence[Sequence[int]], *, threshold: int = THRESHOLD) -> SuppressedTable:
    """Primary and secondary suppression of a table of counts shown with its row totals,
    column totals and grand total.

    The table is seen with its totals as one (rows + 1) × (columns + 1) grid in which every
    line (a row with its total, a column with its total) is a sum. A line with exactly one
    hidden entry gives it away, so another entry of that line is hidden — the smallest
    non-zero cell, else the line's total — until every line has none or at least two."""
    values = [list(row) for row in rows]
    height = len(values)
    width = len(values[0]) if values else 0
    if any(len(row) != width for row in values):
        raise ValueError("Toutes les lignes du tableau doivent avoir le même nombre de cases.")
    grid = [[*row, sum(row)] for row in values]
    grid.append([sum(grid[r][c] for r in range(height)) for c in range(width + 1)])
    hidden = [[is_small(v, threshold=threshold) for v in row] for row in grid]

    lines = [[(r, c) for c in range(width + 1)] for r in range(height + 1)]
    lines += [[(r, c) for r in range(height + 1)] for c in range(width + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[r][c] for r, c in line) != 1:
                continue
            *cells, total = line
            candidates = [(grid[r][c], (r, c)) for r, c in cells if not hidden[r][c]]
            candidates = [(v, pos) for v, pos in candidates if v > 0]
            if candidates:
                r, c = min(candidates, key=lambda item: item[0])[1]
            elif not hidden[total[0]][total[1]] and grid[total[0]][total[1]] > 0:
                r, c = total
            else:
                continue
            hidden[r][c] = True
            changed = True

    def figure(r: int, c: int) -> Figure:
        return Figure(None, suppressed=True) if hidden[r][c] else Figure(grid[r][c])

    return SuppressedTable(
        cells=[[figure(r, c) for c in range(width)] for r in range(height)],
        row_totals=[figure(r, width) for r in range(height)],
        column_totals=[figure(height, c) for c in range(width)],
        total=figure(height, width),
    )


def suppress_series(
    values: Sequence[int], *, threshold: int = THRESHOLD
) -> tuple[list[Figure], Figure]:
    """Counts by category shown with their total (a one-line table)."""
    if not values:
        return [], Figure(0)
    table = suppress_table([list(values)], threshold=threshold)
    return table.cells[0], table.row_totals[0]
