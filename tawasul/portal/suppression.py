"""Small-count suppression of a two-way table of counts and its totals. Pure Python.

A table here is rows (centre domains) by columns (months) of counts, published with its
row totals, column totals and grand total, all computed from the true counts. Think of
it as one grid of *entries* with the totals in an extra last row and last column: each
row of that grid (the totals row included) is a line whose cells add up to its last
entry, and so is each column.

What a reader is told an entry means (and so all a reader can know of it):
- a number: the exact count (0 included);
- "<5": a count from 1 to 4 — or from 0 to 4 in a table marked `zeros_hidden`, where no
  zero is shown as 0;
- "×": a count of 5 or more, withheld so that a small count cannot be worked out.

The method, exactly:

1. **Primary suppression.** Every entry, cell or total, whose count is between 1 and
   THRESHOLD - 1 (1 to 4) is published as "<5".
2. **Complementary suppression**, repeated until nothing changes:
   a. *Line rule.* A line with exactly one withheld entry gives it away by subtraction.
      In every such line withhold one more entry: the smallest non-zero entry still
      published in that line (ties: the first), so that the least is lost; a line's
      total is larger than its cells, so it is taken only when no cell is left.
      Withholding may leave another line with one withheld entry: the rule runs again
      until no line has exactly one.
   b. *Audit.* Subtraction line by line is not the only attack: sums of several lines,
      and the bounds the labels imply, can also pin an entry (a row with "<5" and a
      withheld 5 whose sum is known to be 6 has them at 1 and 5; four "<5" cells under
      a "<5" total are all 1). tawasul.portal.inference answers exactly whether a table
      that agrees with everything published, read as above, can have another value at
      a withheld entry. For the first withheld entry that cannot, withhold the smallest
      published non-zero entry of its row or column (else of the whole table) and go
      back to a.
   c. When an entry is still pinned and no non-zero entry is left to withhold, the
      labels themselves give it away (the four "<5" cells above): every zero of the
      table is then shown as "<5" (`zeros_hidden`), so that "<5" reads 0 to 4, and the
      loop goes on. Should an entry be pinned even then (no table met so far does
      that), the whole table is withheld (`withheld`).
   Withholding only takes information away, so no step undoes the protection of an
   earlier one, and the loop ends.

The guarantee is per table: nothing withheld can be worked out exactly from the rest of
the same table by linear reasoning. Two tables of overlapping periods (this month's and
last month's view of the last twelve months) share most of their months and are not
audited together; tawasul.portal.selectors says what that means for the community counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tawasul.portal.inference import UNBOUNDED, Interval, Position, can_differ

# Counts from 1 to THRESHOLD - 1 are never published.
THRESHOLD = 5

SMALL = "small"
COMPLEMENTARY = "complementary"
SMALL_LABEL = f"<{THRESHOLD}"
COMPLEMENTARY_LABEL = "×"


@dataclass(frozen=True)
class Entry:
    """One published number: `count` is None when it is withheld, and `suppression`
    says how ("" when it is published)."""

    count: int | None
    suppression: str = ""

    @property
    def display(self) -> str:
        if self.suppression == SMALL:
            return SMALL_LABEL
        if self.suppression == COMPLEMENTARY:
            return COMPLEMENTARY_LABEL
        return str(self.count)

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class PublishedTable:
    """What may be shown. No true count of a withheld entry is kept here."""

    cells: tuple[tuple[Entry, ...], ...]
    row_totals: tuple[Entry, ...]
    column_totals: tuple[Entry, ...]
    grand_total: Entry
    # "<5" reads 0 to 4 in this table (step 2c).
    zeros_hidden: bool = False
    # Nothing of the table may be shown (step 2c, never met so far).
    withheld: bool = False

    def grid(self) -> list[list[Entry]]:
        """The entries with the totals in the last row and column."""
        rows = [[*cells, total] for cells, total in zip(self.cells, self.row_totals,
                                                        strict=True)]
        return [*rows, [*self.column_totals, self.grand_total]]


def small_interval(zeros_hidden: bool) -> Interval:
    return Interval(0 if zeros_hidden else 1, THRESHOLD - 1)


def knowledge_of(entry: Entry, *, zeros_hidden: bool) -> Interval:
    """What a reader knows of an entry from its label."""
    if entry.suppression == SMALL:
        return small_interval(zeros_hidden)
    if entry.suppression == COMPLEMENTARY:
        return Interval(THRESHOLD, UNBOUNDED)
    assert entry.count is not None
    return Interval(entry.count, entry.count)


def published_knowledge(table: PublishedTable) -> list[list[Interval]]:
    """Everything a reader knows of each entry of the published table."""
    return [[knowledge_of(entry, zeros_hidden=table.zeros_hidden) for entry in line]
            for line in table.grid()]


def _augmented(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    if not counts or not counts[0]:
        raise ValueError("a table needs at least one row and one column")
    width = len(counts[0])
    if any(len(row) != width for row in counts):
        raise ValueError("every row needs the same number of columns")
    if any(value < 0 for row in counts for value in row):
        raise ValueError("counts are never negative")
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(grid[r][c] for r in range(len(counts))) for c in range(width + 1)])
    return grid


class _Suppressor:
    def __init__(self, counts: Sequence[Sequence[int]]) -> None:
        self.values = _augmented(counts)
        self.height, self.width = len(self.values), len(self.values[0])
        self.state = [
            [SMALL if 0 < value < THRESHOLD else "" for value in line] for line in self.values
        ]
        self.zeros_hidden = False
        self.positions = [(r, c) for r in range(self.height) for c in range(self.width)]
        self.lines = (
            [[(r, c) for c in range(self.width)] for r in range(self.height)]
            + [[(r, c) for r in range(self.height)] for c in range(self.width)]
        )

    def value(self, position: Position) -> int:
        return self.values[position[0]][position[1]]

    def withheld(self, position: Position) -> bool:
        return bool(self.state[position[0]][position[1]])

    def _smallest_published(self, positions: Sequence[Position]) -> Position | None:
        candidates = [p for p in positions if not self.withheld(p) and self.value(p) > 0]
        return min(candidates, key=self.value, default=None)

    def _withhold(self, position: Position) -> None:
        self.state[position[0]][position[1]] = COMPLEMENTARY

    def apply_line_rule(self) -> None:
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                if sum(1 for p in line if self.withheld(p)) != 1:
                    continue
                candidate = self._smallest_published(line)
                # A line with one withheld entry has a non-zero published one (its total,
                # or a cell of a withheld total); the audit covers any other case.
                if candidate is not None:
                    self._withhold(candidate)
                    changed = True

    def knowledge(self) -> list[list[Interval]]:
        small = small_interval(self.zeros_hidden)
        return [
            [
                small if state == SMALL
                else Interval(THRESHOLD, UNBOUNDED) if state == COMPLEMENTARY
                else Interval(value, value)
                for value, state in zip(values, states, strict=True)
            ]
            for values, states in zip(self.values, self.state, strict=True)
        ]

    def first_recoverable(self) -> Position | None:
        knowledge = self.knowledge()
        for position in self.positions:
            if self.withheld(position) and not can_differ(knowledge, position,
                                                          self.value(position)):
                return position
        return None

    def protect(self, position: Position) -> bool:
        """Withhold one more entry to protect `position`; False if no step is left."""
        r, c = position
        near = [*self.lines[r], *self.lines[self.height + c]]
        candidate = self._smallest_published(near) or self._smallest_published(self.positions)
        if candidate is not None:
            self._withhold(candidate)
            return True
        if not self.zeros_hidden:
            self.zeros_hidden = True
            for p in self.positions:
                if self.value(p) == 0:
                    self.state[p[0]][p[1]] = SMALL
            return True
        return False

    def run(self) -> PublishedTable:
        withheld_all = False
        while True:
            self.apply_line_rule()
            recoverable = self.first_recoverable()
            if recoverable is None:
                break
            if not self.protect(recoverable):
                withheld_all = True
                break
        grid = [
            [Entry(None, COMPLEMENTARY) if withheld_all
             else Entry(None if state else value, state)
             for value, state in zip(values, states, strict=True)]
            for values, states in zip(self.values, self.state, strict=True)
        ]
        return PublishedTable(
            cells=tuple(tuple(line[:-1]) for line in grid[:-1]),
            row_totals=tuple(line[-1] for line in grid[:-1]),
            column_totals=tuple(grid[-1][:-1]),
            grand_total=grid[-1][-1],
            zeros_hidden=self.zeros_hidden,
            withheld=withheld_all,
        )


def suppress(counts: Sequence[Sequence[int]]) -> PublishedTable:
    """The table as it may be published (the method is in this module's docstring)."""
    return _Suppressor(counts).run()
