"""Small-count suppression: no count from 1 to 4 is ever shown, and nothing withheld can be
worked out from the rest of the table, by a reader who subtracts line by line or by one
who reasons over every row, column and total at once (checked against brute force)."""

from __future__ import annotations

import itertools
import random

import pytest

from tawasul.portal import suppression
from tawasul.portal.inference import UNBOUNDED, Interval, can_differ, feasible_range
from tawasul.portal.suppression import (
    COMPLEMENTARY,
    SMALL,
    PublishedTable,
    published_knowledge,
    suppress,
)

# --- The readers who try --------------------------------------------------------------


def truth(counts: list[list[int]]) -> list[list[int]]:
    """The table with its totals in the last row and column."""
    grid = [[*row, sum(row)] for row in counts]
    return [*grid, [sum(column) for column in zip(*grid, strict=True)]]


def lines_of(height: int, width: int) -> list[list[tuple[int, int]]]:
    rows = [[(r, c) for c in range(width)] for r in range(height)]
    columns = [[(r, c) for r in range(height)] for c in range(width)]
    return rows + columns


def subtract(table: PublishedTable) -> dict[tuple[int, int], int]:
    """The plain attack: in a row or column (totals included) with one unknown entry, the
    unknown is the total minus the others (or the sum of the cells); repeat with what was
    found. Returns what it recovers."""
    grid = table.grid()
    known = {(r, c): e.count for r, line in enumerate(grid) for c, e in enumerate(line)
             if e.count is not None}
    height, width = len(grid), len(grid[0])
    recovered: dict[tuple[int, int], int] = {}
    changed = True
    while changed:
        changed = False
        for line in lines_of(height, width):
            unknown = [p for p in line if p not in known]
            if len(unknown) != 1:
                continue
            *cells, total = line
            (missing,) = unknown
            if missing == total:
                value = sum(known[p] for p in cells)
            else:
                value = known[total] - sum(known[p] for p in cells if p != missing)
            known[missing] = recovered[missing] = value
            changed = True
    return recovered


def brute_force_ranges(table: PublishedTable, cap: int) -> dict[tuple[int, int], set[int]]:
    """Every value each withheld entry takes over all tables that agree with what is
    published (cells enumerated up to `cap`, totals derived)."""
    knowledge = published_knowledge(table)
    height, width = len(knowledge) - 1, len(knowledge[0]) - 1
    choices = []
    for r in range(height):
        for c in range(width):
            k = knowledge[r][c]
            choices.append(range(k.low, min(k.high, cap) + 1))
    seen: dict[tuple[int, int], set[int]] = {
        (r, c): set() for r in range(height + 1) for c in range(width + 1)
        if not knowledge[r][c].is_exact
    }
    for values in itertools.product(*choices):
        cells = [list(values[r * width:(r + 1) * width]) for r in range(height)]
        grid = truth(cells)
        if all(knowledge[r][c].low <= grid[r][c] <= knowledge[r][c].high
               for r in range(height + 1) for c in range(width + 1)):
            for position in seen:
                seen[position].add(grid[position[0]][position[1]])
    return seen


def assert_safe(counts: list[list[int]]) -> PublishedTable:
    """Every property the community pages rely on, for one table."""
    table = suppress(counts)
    real = truth(counts)
    grid = table.grid()
    if table.withheld:
        assert all(e.count is None for line in grid for e in line)
        return table
    knowledge = published_knowledge(table)
    for r, line in enumerate(grid):
        for c, entry in enumerate(line):
            value = real[r][c]
            if entry.count is not None:
                assert entry.count == value, "a published count is the true count"
                assert not 0 < entry.count < suppression.THRESHOLD, "no count 1-4 is shown"
            else:
                assert entry.suppression in (SMALL, COMPLEMENTARY)
                assert entry.display == ("<5" if entry.suppression == SMALL else "×")
                k = knowledge[r][c]
                assert k.low <= value <= k.high, "labels never lie"
                assert can_differ(knowledge, (r, c), value), f"{(r, c)} can be worked out"
            if 0 < value < suppression.THRESHOLD:
                assert entry.count is None and entry.suppression == SMALL
    assert subtract(table) == {}, "subtraction recovers nothing"
    return table


def displays(table: PublishedTable) -> list[list[str]]:
    return [[e.display for e in line] for line in table.grid()]


# --- Adversarial tables -----------------------------------------------------------------


def test_a_single_small_cell_in_a_row_takes_the_next_smallest_with_it() -> None:
    table = assert_safe([[2, 7, 30], [9, 12, 40]])
    shown = displays(table)
    assert shown[0][0] == "<5"
    # Subtraction from the row total would give it away: the row's next-smallest cell
    # is withheld too, and the column of each of them loses one more.
    assert shown[0][1] == "×"
    assert sum(1 for v in shown[1] if v == "×") >= 2


def test_the_row_total_is_withheld_only_when_no_cell_is_left() -> None:
    # The small cell is alone in its row: its total equals it, and is small too.
    table = assert_safe([[3, 0, 0], [20, 15, 9], [11, 6, 25]])
    shown = displays(table)
    assert shown[0] == ["<5", "0", "0", "<5"]


def test_a_small_grand_total_and_small_margins() -> None:
    assert_safe([[1, 0], [0, 2]])
    assert_safe([[1]])
    assert_safe([[4]])


def test_a_secondary_cell_of_five_is_not_enough_protection() -> None:
    # Withholding 1 and 5 in a row whose total and other cells are shown leaves their
    # sum, 6, which only 1 + 5 makes (a "<5" is at least 1, a "×" at least 5): the
    # line rule alone is not enough, the audit adds more.
    counts = [[1, 5, 40, 40], [30, 30, 30, 30], [30, 30, 30, 30]]
    table = assert_safe(counts)
    assert sum(1 for line in displays(table) for v in line if v in ("<5", "×")) > 4


def test_two_small_cells_whose_sum_pins_them() -> None:
    # 1 + 1 = 2 with both at least 1, or 4 + 4 = 8 with both at most 4.
    assert_safe([[1, 1, 20, 30], [25, 25, 25, 25]])
    assert_safe([[4, 4, 20, 30], [25, 25, 25, 25]])


def test_small_cells_under_a_small_total_are_all_pinned_by_their_labels() -> None:
    # Four "<5" cells (each at least 1) under a grand total of "<5" (at most 4) are all 1,
    # whatever is withheld: the zeros are then shown as "<5" too.
    counts = [[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]
    table = assert_safe(counts)
    assert table.zeros_hidden
    assert all(v == "<5" for line in displays(table) for v in line)


def test_a_row_of_zeros_and_a_column_of_zeros() -> None:
    assert_safe([[0, 0, 0], [0, 12, 3], [0, 6, 9]])


def test_large_counts_are_shown_as_they_are() -> None:
    counts = [[12, 30, 7], [5, 9, 44]]
    table = assert_safe(counts)
    assert displays(table) == [[str(v) for v in line] for line in truth(counts)]


def test_zeros_are_shown_as_zero() -> None:
    table = assert_safe([[0, 12], [7, 0]])
    assert displays(table)[0][0] == "0"


@pytest.mark.parametrize("counts", [
    [[1, 2], [3, 9]],
    [[1, 5], [6, 7]],
    [[2, 2], [2, 2]],
    [[4, 0, 6], [1, 8, 0]],
    [[0, 3, 5], [7, 1, 0]],
    [[5, 1], [1, 5]],
])
def test_the_reader_over_all_lines_is_exact(counts: list[list[int]]) -> None:
    """inference.feasible_range against an enumeration of every table that agrees."""
    table = assert_safe(counts)
    knowledge = published_knowledge(table)
    cap = 25
    for position, values in brute_force_ranges(table, cap).items():
        found = feasible_range(knowledge, position)
        assert min(values) == found.low
        if found.high < UNBOUNDED:
            assert max(values) == found.high
        else:
            assert max(values) >= cap, "unbounded: the enumeration reaches its cap"
        assert len(values) >= 2, f"{position} is pinned"


def test_the_reader_finds_what_subtraction_finds() -> None:
    # An unprotected table (one small cell, everything else shown): both readers pin it.
    knowledge = [[Interval(1, 4), Interval(7, 7), Interval(9, 9)],
                 [Interval(9, 9), Interval(10, 10), Interval(19, 19)],
                 [Interval(11, 11), Interval(17, 17), Interval(28, 28)]]
    assert feasible_range(knowledge, (0, 0)) == Interval(2, 2)
    assert not can_differ(knowledge, (0, 0), 2)


def test_random_tables() -> None:
    rng = random.Random(2026)
    for _trial in range(300):
        height, width = rng.choice([(1, 1), (2, 3), (3, 5), (7, 12)])
        mean = rng.choice([0.3, 1, 2, 4, 10, 50])
        sparsity = rng.random()
        counts = [[int(rng.expovariate(1 / mean)) if rng.random() > sparsity else 0
                   for _c in range(width)] for _r in range(height)]
        assert_safe(counts)


def test_the_table_is_withheld_if_nothing_else_protects_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The last resort: should an entry stay recoverable with every count withheld."""
    monkeypatch.setattr(suppression, "can_differ", lambda *args: False)
    table = suppress([[2, 9], [8, 30]])
    assert table.withheld
    assert all(e.count is None for line in table.grid() for e in line)


def test_bad_tables_are_refused() -> None:
    with pytest.raises(ValueError):
        suppress([])
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress([[-1]])
