import pytest

from relais.core.disclosure import rate, suppress, suppress_lines, suppress_series, suppress_table


def test_counts_from_one_to_four_are_hidden_zero_and_five_are_shown():
    assert [str(suppress(n)) for n in (0, 1, 4, 5, 1234)] == ["0", "< 5", "< 5", "5", "1\u202f234"]
    assert suppress(3).shown is None and suppress(3).value is None


def test_a_rate_built_on_a_small_count_is_not_shown():
    assert rate(3, 40) is None
    assert rate(10, 3) is None
    assert rate(10, 40) == 25.0
    assert rate(0, 0) is None


def test_series_with_total_hides_a_second_cell_so_the_small_one_cannot_be_recomputed():
    cells, total = suppress_series([2, 0, 9, 30])
    # The 9 is hidden only to protect the 2: it reads « s », not « < 5 » (it is not small).
    assert [str(c) for c in cells] == ["< 5", "0", "s", "30"]
    assert cells[2].secondary and not cells[0].secondary
    assert str(total) == "41"


def test_series_whose_only_other_cells_are_zero_hides_its_total():
    cells, total = suppress_series([2, 0, 0])
    assert [str(c) for c in cells] == ["< 5", "0", "0"]
    assert total.suppressed


def test_table_every_line_has_no_hidden_entry_or_at_least_two():
    rows = [[3, 10, 12], [7, 8, 20], [6, 9, 1]]
    table = suppress_table(rows)
    grid = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
    grid.append([*table.column_totals, table.total])
    lines = grid + [list(column) for column in zip(*grid, strict=True)]
    for line in lines:
        assert sum(entry.suppressed for entry in line) != 1
    # The small counts themselves are hidden; large figures are kept where possible.
    assert table.cells[0][0].suppressed and table.cells[2][2].suppressed
    assert str(table.total) == "76"


def test_table_without_small_counts_is_shown_whole():
    table = suppress_table([[10, 20], [30, 40]])
    assert not table.any_suppressed


def test_ragged_table_is_refused():
    with pytest.raises(ValueError):
        suppress_table([[1, 2], [3]])


def test_linked_lines_hide_a_shared_figure_everywhere_and_protect_each_line():
    # Two breakdowns of the same 20 persons (by commune and by age), and a third line whose
    # total is the first line's cell: a figure hidden in one is hidden in all.
    values = {"a": 2, "b": 18, "young": 10, "old": 10, "total": 20, "a1": 1, "a2": 1}
    lines = [(["a", "b"], "total"), (["young", "old"], "total"), (["a1", "a2"], "a")]
    figures = suppress_lines(values, lines)
    assert str(figures["a"]) == "< 5" and str(figures["b"]) == "s"
    for cells, total in lines:
        assert sum(figures[k].suppressed for k in [*cells, total]) != 1
    assert str(figures["total"]) == "20"


def test_linked_lines_hide_a_total_whose_cells_are_all_hidden_elsewhere():
    # A total shown in one place whose only cells are small would give their sum; when a
    # second line holds it as a lone hidden entry, another of that line goes too.
    values = {"x": 3, "y": 0, "sum": 3, "other": 12, "grand": 15}
    figures = suppress_lines(values, [(["x", "y"], "sum"), (["sum", "other"], "grand")])
    assert figures["sum"].suppressed
    assert figures["other"].suppressed and figures["other"].secondary
    assert str(figures["grand"]) == "15"


def test_a_figure_the_others_determine_anyway_is_shown_again():
    # Greedy line-by-line hiding would hide the 10 too; nothing is protected by it.
    table = suppress_table([[3, 10, 12], [7, 8, 20], [6, 9, 1]])
    assert [[str(c) for c in row] for row in table.cells] == [
        ["< 5", "10", "s"],
        ["7", "8", "20"],
        ["s", "9", "< 5"],
    ]


def test_random_tables_never_let_a_small_count_be_computed_back():
    import random

    from relais.core.disclosure import recoverable

    rng = random.Random(20261206)
    for _ in range(200):
        height, width = rng.randint(1, 4), rng.randint(1, 5)
        rows = [
            [rng.choice([0, 1, 2, 3, 4, 5, 7, 12, 30]) for _c in range(width)]
            for _r in range(height)
        ]
        table = suppress_table(rows)
        grid = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
        grid.append([*table.column_totals, table.total])
        values = [[*row, sum(row)] for row in rows]
        values.append([sum(column) for column in zip(*values, strict=True)])
        index = {(r, c): r * (width + 1) + c for r in range(height + 1) for c in range(width + 1)}
        equations = [
            ([index[(r, c)] for c in range(width)], index[(r, width)]) for r in range(height + 1)
        ]
        equations += [
            ([index[(r, c)] for r in range(height)], index[(height, c)]) for c in range(width + 1)
        ]
        hidden = {index[k] for k in index if grid[k[0]][k[1]].suppressed}
        for (r, c), i in index.items():
            if 0 < values[r][c] < 5:
                assert grid[r][c].suppressed, rows
                assert not recoverable(i, hidden, equations), rows


def _rank(rows: list[list[int]]) -> int:
    """Rank over the rationals, by plain Gaussian elimination (an independent reference)."""
    from fractions import Fraction

    matrix = [[Fraction(v) for v in row] for row in rows]
    rank = 0
    for column in range(len(matrix[0]) if matrix else 0):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column]:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def test_recoverable_agrees_with_the_rank_of_the_sums_on_linked_lines():
    """A hidden cell is computed back exactly when adding it as a row leaves the rank of the
    sums (restricted to the hidden cells) unchanged — checked on random systems of several
    linked lines, some sharing cells, some independent (the groups are solved apart)."""
    import random

    from relais.core.disclosure import recoverable

    rng = random.Random(42)
    for _ in range(300):
        size = rng.randint(2, 14)
        equations = []
        for _line in range(rng.randint(1, 6)):
            members = rng.sample(range(size), rng.randint(2, min(6, size)))
            equations.append((members[:-1], members[-1]))
        hidden = {i for i in range(size) if rng.random() < 0.6}
        columns = sorted(hidden)
        rows = []
        for parts, total in equations:
            row = dict.fromkeys(columns, 0)
            for index, sign in [*((p, 1) for p in parts), (total, -1)]:
                if index in hidden:
                    row[index] += sign
            rows.append([row[c] for c in columns])
        base = _rank(rows) if columns else 0
        for cell in columns:
            unit = [1 if c == cell else 0 for c in columns]
            expected = _rank([*rows, unit]) == base
            assert recoverable(cell, hidden, equations) == expected, (equations, hidden, cell)
