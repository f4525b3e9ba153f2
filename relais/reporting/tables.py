"""An indicator as it is shown: its rows turned into a table of texts, small counts
suppressed beyond the user's own caseload, and the chart of its main column.

Suppression (`relais.core.disclosure`):
- counts from 1 to 4 are shown « < 5 » (primary);
- in a table with a total row, each column of counts whose rows add up to the total is
  suppressed as a line with its total, and so is a row whose cells add up to its value
  (secondary: a single hidden cell would be the total minus the others);
- a rate, an average delay or an average change is hidden when the number it is computed
  over is small, when its numerator is, or when a count of its row is hidden (a rate times
  its base gives the count back).
"""

from __future__ import annotations

from dataclasses import dataclass

from relais.core import disclosure
from relais.core.charts import Chart, Series
from relais.reporting.registry import Indicator, Row, Unit

TEXT = "text"  # a column of words (an exit family): never suppressed
UNIT_SUFFIX = {Unit.RATE: "\u00a0%", Unit.DAYS: "\u00a0j"}


@dataclass(frozen=True)
class Shown:
    """One cell as shown: `text`, and `value` (None when suppressed or missing)."""

    text: str
    value: float | int | None
    suppressed: bool = False


@dataclass(frozen=True)
class Line:
    label: str
    cells: list[Shown]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    indicator: Indicator
    columns: tuple[str, ...]
    lines: list[Line]
    chart: Chart | None
    any_suppressed: bool
    unit: str = Unit.COUNT  # of the main column (the chart's)

    @property
    def key(self) -> str:
        return self.indicator.key


def _format(value, unit: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) or unit in (Unit.RATE, Unit.DAYS, Unit.LEVEL):
        text = f"{float(value):,.2f}" if unit == Unit.LEVEL else f"{float(value):,.1f}"
        text = text.replace(",", "\u202f").replace(".", ",")
        if unit == Unit.LEVEL and value > 0:
            text = "+" + text
    else:
        text = f"{int(value):,}".replace(",", "\u202f")
    return text + UNIT_SUFFIX.get(unit, "")


def _grid(rows: list[Row]) -> list[list[tuple]]:
    """Each row as a list of (value, unit, base, part) for its value then its cells."""

    def entry(value, unit, base, part):
        return (value, TEXT if isinstance(value, str) else unit, base, part)

    return [
        [entry(r.value, r.unit, r.base, r.part)]
        + [entry(c.value, c.unit, c.n, c.part) for c in r.cells]
        for r in rows
    ]


def _lines(indicator: Indicator, rows: list[Row], grid) -> list[list[tuple[int, int]]]:
    """The sums shown in the table, each as its cells then its total: a column of counts
    whose rows above the total row add up to it, and a row whose `row_parts` cells add up
    to its value."""
    lines = []
    totals = [i for i, r in enumerate(rows) if r.is_total]
    if totals:
        t = totals[0]
        for column in range(len(grid[t])):
            cells = [(i, column) for i in range(t) if len(grid[i]) > column]
            values = [grid[i][c][0] for i, c in cells]
            total = grid[t][column][0]
            if (
                cells
                and grid[t][column][1] == Unit.COUNT
                and all(isinstance(v, int) for v in values)
                and sum(values) == total
            ):
                lines.append([*cells, (t, column)])
    for i, cells in enumerate(grid):
        parts = [(i, 1 + k) for k in indicator.row_parts if 1 + k < len(cells)]
        if parts and sum(grid[r][c][0] or 0 for r, c in parts) == cells[0][0]:
            lines.append([*parts, (i, 0)])
    return lines


def _count_hidden(indicator: Indicator, rows: list[Row], grid) -> list[list[bool]]:
    """Counts hidden: 1 to 4 (primary), then, in every sum shown with a single hidden
    entry, the smallest other non-zero entry (or the total), until none has exactly one —
    the rule of `relais.core.disclosure.suppress_table`, on the sums this table shows."""
    hidden = [
        [unit == Unit.COUNT and disclosure.is_small(value) for value, unit, _b, _p in cells]
        for cells in grid
    ]
    lines = _lines(indicator, rows, grid)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[r][c] for r, c in line) != 1:
                continue
            *cells, (tr, tc) = line
            candidates = [
                (grid[r][c][0], (r, c)) for r, c in cells if not hidden[r][c] and grid[r][c][0]
            ]
            if candidates:
                r, c = min(candidates)[1]
            elif not hidden[tr][tc] and grid[tr][tc][0]:
                r, c = tr, tc
            else:
                continue
            hidden[r][c] = True
            changed = True
    return hidden


def _derived_hidden(value, unit, base, part, row_hidden: bool) -> bool:
    if value is None:
        return False
    if row_hidden or disclosure.is_small(base):
        return True
    return unit == Unit.RATE and disclosure.is_small(part)


def build(indicator: Indicator, rows: list[Row], *, suppress: bool) -> Table:
    grid = _grid(rows)
    hidden = [[False] * len(r) for r in grid]
    if suppress:
        hidden = _count_hidden(indicator, rows, grid)
        for i, cells in enumerate(grid):
            row_hidden = any(
                h for h, cell in zip(hidden[i], cells, strict=True) if cell[1] == Unit.COUNT
            )
            for column, (value, unit, base, part) in enumerate(cells):
                if unit not in (Unit.COUNT, TEXT):
                    hidden[i][column] = _derived_hidden(value, unit, base, part, row_hidden)
    lines = []
    for i, row in enumerate(rows):
        shown = []
        for column, (value, unit, _base, _part) in enumerate(grid[i]):
            if hidden[i][column]:
                shown.append(Shown(disclosure.SUPPRESSED_LABEL, None, suppressed=True))
            elif isinstance(value, str):
                shown.append(Shown(value, None))
            else:
                shown.append(Shown(_format(value, unit), value))
        lines.append(Line(row.label, shown, row.is_total))
    return Table(
        indicator=indicator,
        columns=indicator.columns,
        lines=lines,
        chart=chart_of(indicator, lines, rows[0].unit if rows else Unit.COUNT),
        unit=rows[0].unit if rows else Unit.COUNT,
        any_suppressed=any(any(row) for row in hidden),
    )


def chart_of(indicator: Indicator, lines: list[Line], unit: str) -> Chart | None:
    """The bar chart of the table's main column (totals left out; hidden figures drawn as
    missing, labelled « < 5 »)."""
    if not indicator.chart:
        return None
    plotted = [line for line in lines if not line.is_total]
    if not plotted:
        return None
    return Chart(
        title=indicator.label,
        categories=[line.label for line in plotted],
        series=[
            Series(
                indicator.columns[1] if len(indicator.columns) > 1 else indicator.label,
                [line.cells[0].value for line in plotted],
            )
        ],
        unit={Unit.RATE: "%", Unit.DAYS: "j"}.get(unit, ""),
        kind="bar",
        description=indicator.definition,
        category_label=indicator.columns[0],
    )
