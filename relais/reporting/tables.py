"""An indicator as it is shown: its rows turned into a table of texts, small counts
suppressed beyond the user's own caseload, and the chart of its main column.

Suppression (`relais.core.disclosure`):
- counts from 1 to 4 are shown « < 5 » (primary);
- in a table with a total row, each column of counts whose rows add up to the total is
  a sum, and so is a row whose cells add up to its value; sums also link the tables of a
  dashboard (`registry.LINKS`: the total of exits shown twice, the exits of the rate table
  that are the non-neutral ones of the category table…). While any combination of those
  sums gives a small count back, another figure of them is hidden (secondary);
- a rate, an average delay or an average change is hidden when the number it is computed
  over is small, when its numerator or its complement is, when a count of its row is
  hidden, or when a count it is computed from (`Row.sources`) is (a rate times its base
  gives the count back).
"""

from __future__ import annotations

from dataclasses import dataclass

from relais.core import disclosure
from relais.core.charts import Chart, Series
from relais.reporting import registry
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


def _count_hidden(items: list[tuple[Indicator, list[Row]]], grids: list) -> list[list[list[bool]]]:
    """Counts hidden in a whole dashboard: 1 to 4 (primary), then, while a small count can
    be computed back from the sums shown — the sums of each table (`_lines`) and those
    linking its tables (`registry.LINKS`), any combination of them — another figure of
    those sums (`relais.core.disclosure.suppress_lines`)."""
    index: dict[tuple[int, int, int], int] = {}
    values: list[int | None] = []
    for t, grid in enumerate(grids):
        for i, cells in enumerate(grid):
            for c, (value, unit, _b, _p) in enumerate(cells):
                index[(t, i, c)] = len(values)
                is_count = unit == Unit.COUNT and isinstance(value, int)
                values.append(value if is_count else None)
    equations = []
    for t, ((indicator, rows), grid) in enumerate(zip(items, grids, strict=True)):
        for line in _lines(indicator, rows, grid):
            *cells, total = line
            equations.append(([index[(t, r, c)] for r, c in cells], index[(t, *total)]))
    where = {}
    for t, (indicator, rows) in enumerate(items):
        for i, row in enumerate(rows):
            for c in range(len(grids[t][i])):
                where[(indicator.key, row.label, c)] = index[(t, i, c)]
    for link in registry.LINKS:
        figures = [*link.parts, link.total]
        if all(f in where for f in figures):
            equations.append(([where[f] for f in link.parts], where[link.total]))
    counts = {i: value for i, value in enumerate(values) if value is not None}
    lines = [
        (parts, total)
        for parts, total in equations
        if total in counts and all(p in counts for p in parts)
    ]
    figures = disclosure.suppress_lines(counts, lines)
    hidden = [i in figures and figures[i].suppressed for i in range(len(values))]
    return [
        [[hidden[index[(t, i, c)]] for c in range(len(cells))] for i, cells in enumerate(grid)]
        for t, grid in enumerate(grids)
    ]


def _derived_hidden(value, unit, base, part, row_hidden: bool) -> bool:
    if value is None:
        return False
    if row_hidden or disclosure.is_small(base):
        return True
    if unit != Unit.RATE or part is None:
        return False
    # Its numerator, or its complement (a rate of 93 % over 43 names the 3 others).
    return disclosure.is_small(part) or (base is not None and disclosure.is_small(base - part))


def build(indicator: Indicator, rows: list[Row], *, suppress: bool) -> Table:
    return build_all([(indicator, rows)], suppress=suppress)[0]


def build_all(
    items: list[tuple[Indicator, list[Row]]], *, suppress: bool, withheld: set[str] = frozenset()
) -> list[Table]:
    """The tables of one dashboard, suppressed together (their sums may link them). The
    tables of `withheld` (computed over fewer than 5 persons) show no figure."""
    grids = [_grid(rows) for _indicator, rows in items]
    if suppress:
        hidden_all = _count_hidden(items, grids)
    else:
        hidden_all = [[[False] * len(r) for r in grid] for grid in grids]
    for (indicator, _rows), grid, hidden in zip(items, grids, hidden_all, strict=True):
        if indicator.key in withheld:
            for i, cells in enumerate(grid):
                hidden[i] = [cell[0] is not None and cell[1] != TEXT for cell in cells]
    return [
        _table(indicator, rows, grid, hidden, suppress=suppress)
        for (indicator, rows), grid, hidden in zip(items, grids, hidden_all, strict=True)
    ]


def _table(indicator: Indicator, rows: list[Row], grid, hidden, *, suppress: bool) -> Table:
    if suppress:
        label_hidden = {row.label: hidden[i][0] for i, row in enumerate(rows)}
        for i, cells in enumerate(grid):
            row_hidden = any(
                h for h, cell in zip(hidden[i], cells, strict=True) if cell[1] == Unit.COUNT
            )
            row_hidden = row_hidden or any(label_hidden.get(s) for s in rows[i].sources)
            for column, (value, unit, base, part) in enumerate(cells):
                if unit not in (Unit.COUNT, TEXT):
                    hidden[i][column] = hidden[i][column] or _derived_hidden(
                        value, unit, base, part, row_hidden
                    )
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
