"""What a reader can work out from a published table of counts: the attacker that the
suppression of tawasul.portal.suppression is checked against. Pure Python, no Django.

A published table is read as the grid of its entries with the totals in the last row and
column (see suppression.py). Every entry is known to lie in an interval: a published
count exactly; "<5" between 1 and 4; "×" (withheld to protect another entry) at least 5,
with no upper bound. The totals tie the entries together: in every row the cells add up
to the row's total, in every column to the column's total, and the totals to the grand
total.

Those relations are exactly the conservation laws of a flow: from a source to one node
per row (the row totals), from row to column (the cells), from each column to a sink
(the column totals) and back from the sink to the source (the grand total). The tables
that agree with everything published are the integer circulations of that network
within the intervals; the network's matrix is totally unimodular, so the extreme values
of an entry over the real solutions are integers and every integer in between is
reached. Whether an entry can take a value other than its true one is therefore two
feasibility questions (true value + 1, true value - 1), each one maximum flow: this is
the strongest attack by linear reasoning over rows, columns and the grand total (by
subtraction, by sums of several lines, and by the bounds "<5" and "×" imply), not a list
of tricks.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

# "No upper bound": larger than any count the tables hold.
UNBOUNDED = 10**15


@dataclass(frozen=True)
class Interval:
    low: int
    high: int  # UNBOUNDED when nothing bounds it from above

    @property
    def is_exact(self) -> bool:
        return self.low == self.high


Position = tuple[int, int]
Knowledge = Sequence[Sequence[Interval]]


class _Network:
    """Maximum flow by Dinic's algorithm; the networks here have a few dozen nodes."""

    def __init__(self, size: int) -> None:
        self.edges: list[list[list[int]]] = [[] for _ in range(size)]  # [to, capacity, rev]

    def add(self, u: int, v: int, capacity: int) -> None:
        self.edges[u].append([v, capacity, len(self.edges[v])])
        self.edges[v].append([u, 0, len(self.edges[u]) - 1])

    def _levels(self, source: int, sink: int) -> list[int] | None:
        level = [-1] * len(self.edges)
        level[source] = 0
        queue = deque([source])
        while queue:
            u = queue.popleft()
            for v, capacity, _rev in self.edges[u]:
                if capacity > 0 and level[v] < 0:
                    level[v] = level[u] + 1
                    queue.append(v)
        return level if level[sink] >= 0 else None

    def _push(self, u: int, sink: int, amount: int, level: list[int],
              cursor: list[int]) -> int:
        if u == sink:
            return amount
        while cursor[u] < len(self.edges[u]):
            edge = self.edges[u][cursor[u]]
            v, capacity, rev = edge
            if capacity > 0 and level[v] == level[u] + 1:
                pushed = self._push(v, sink, min(amount, capacity), level, cursor)
                if pushed:
                    edge[1] -= pushed
                    self.edges[v][rev][1] += pushed
                    return pushed
            cursor[u] += 1
        return 0

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while (level := self._levels(source, sink)) is not None:
            cursor = [0] * len(self.edges)
            while pushed := self._push(source, sink, UNBOUNDED * 4, level, cursor):
                total += pushed
        return total


def _edges(knowledge: Knowledge) -> tuple[int, list[tuple[int, int, Interval]]]:
    """The circulation network of a grid of intervals (totals in the last row/column)."""
    rows, columns = len(knowledge) - 1, len(knowledge[0]) - 1
    source, sink = 0, 1

    def row_node(r: int) -> int:
        return 2 + r

    def column_node(c: int) -> int:
        return 2 + rows + c

    edges: list[tuple[int, int, Interval]] = [(sink, source, knowledge[rows][columns])]
    for r in range(rows):
        edges.append((source, row_node(r), knowledge[r][columns]))
        for c in range(columns):
            edges.append((row_node(r), column_node(c), knowledge[r][c]))
    for c in range(columns):
        edges.append((column_node(c), sink, knowledge[rows][c]))
    return 2 + rows + columns, edges


def _edge_index(knowledge: Knowledge, position: Position) -> int:
    """Where the entry at `position` is in the list _edges makes."""
    rows, columns = len(knowledge) - 1, len(knowledge[0]) - 1
    r, c = position
    if r == rows and c == columns:
        return 0
    if r == rows:
        return 1 + rows * (columns + 1) + c
    return 1 + r * (columns + 1) + (0 if c == columns else c + 1)


def _feasible(size: int, edges: Sequence[tuple[int, int, Interval]]) -> bool:
    """Is there a circulation with every edge's flow within its interval?"""
    network = _Network(size + 2)
    excess = [0] * size
    for u, v, interval in edges:
        if interval.low > interval.high:
            return False
        if interval.high > interval.low:
            network.add(u, v, interval.high - interval.low)
        excess[v] += interval.low
        excess[u] -= interval.low
    super_source, super_sink = size, size + 1
    needed = 0
    for node, amount in enumerate(excess):
        if amount > 0:
            network.add(super_source, node, amount)
            needed += amount
        elif amount < 0:
            network.add(node, super_sink, -amount)
    return network.max_flow(super_source, super_sink) == needed


def consistent(knowledge: Knowledge) -> bool:
    """Whether some table agrees with everything known."""
    size, edges = _edges(knowledge)
    return _feasible(size, edges)


def _with(knowledge: Knowledge, position: Position, interval: Interval) -> bool:
    size, edges = _edges(knowledge)
    index = _edge_index(knowledge, position)
    u, v, _known = edges[index]
    edges[index] = (u, v, interval)
    return _feasible(size, edges)


def can_differ(knowledge: Knowledge, position: Position, value: int) -> bool:
    """Whether a table that agrees with everything known has another value than `value`
    at `position`: False means the entry is recovered exactly."""
    known = knowledge[position[0]][position[1]]
    return (
        (value + 1 <= known.high and _with(knowledge, position, Interval(value + 1, known.high)))
        or (value - 1 >= known.low and _with(knowledge, position, Interval(known.low, value - 1)))
    )


def feasible_range(knowledge: Knowledge, position: Position) -> Interval:
    """The smallest and largest value the entry can have in a table that agrees with
    everything known (UNBOUNDED as the largest when nothing bounds it)."""
    known = knowledge[position[0]][position[1]]

    def possible(low: int, high: int) -> bool:
        return _with(knowledge, position, Interval(low, high))

    if not possible(known.low, known.high):
        raise ValueError("nothing agrees with what is known")
    # The smallest possible value: the least `low` in [known.low, ...] with a solution at
    # or below it. Feasibility of "at most x" grows with x.
    low, high = known.low, min(known.high, UNBOUNDED)
    while low < high:
        middle = (low + high) // 2
        if possible(known.low, middle):
            high = middle
        else:
            low = middle + 1
    smallest = low
    if known.high >= UNBOUNDED and possible(UNBOUNDED // 2, UNBOUNDED):
        return Interval(smallest, UNBOUNDED)
    low, high = smallest, min(known.high, UNBOUNDED // 2)
    while low < high:
        middle = (low + high + 1) // 2
        if possible(middle, known.high):
            low = middle
        else:
            high = middle - 1
    return Interval(smallest, low)
