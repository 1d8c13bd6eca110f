"""Batch duplicate detection: blocking, comparison, union-find.

`find_clusters` groups the records of one registry into clusters of probable duplicates:
records that share a blocking key are compared (keys whose block exceeds `max_block`
records, or `max_broad_block` for the two-name `gf:` keys, are skipped like stop words;
the other, more selective keys of the same records still bring true duplicates together;
a name-only key (`gf:`, `gpf:`) pairs two records only when one of them has no date of
birth or the two dates are one typo apart, since two dated records with agreeing names
and dates already share a dated key),
pairs scoring at least `threshold` are joined, and the connected components with two or
more records are returned. A pair whose records are already in one component is not
compared again: it could not change the components.

`find_links` links two registries that are each free of duplicates (a ministry export
against the registry, or Febrl4's A and B): only pairs across the two sides are compared,
and with `one_to_one` each record keeps at most its best partner (greedy by score), which
is what "each side has no duplicates" means.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein

from tawasul.people.matching.blocking import is_broad, is_undated, prepared_keys
from tawasul.people.matching.records import (
    DEFAULT_CONFIG,
    MatchConfig,
    PersonRecord,
    Prepared,
    compare_prepared,
    prepare,
)

ExtraKeys = Callable[[PersonRecord], Iterable[str]]


class UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


@contextmanager
def _no_gc() -> Iterator[None]:
    """A batch allocates millions of small acyclic objects (prepared records, cached
    comparisons): the cyclic collector would rescan them again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class BatchStats:
    records: int = 0
    keys: int = 0
    skipped_blocks: int = 0
    candidate_pairs: int = 0
    compared_pairs: int = 0
    matched_pairs: int = 0


def _index(
    prepared: Sequence[Prepared], config: MatchConfig, extra_keys: ExtraKeys | None
) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for i, p in enumerate(prepared):
        keys = prepared_keys(p, config)
        if extra_keys is not None:
            keys.update(extra_keys(p.record))
        for key in keys:
            index.setdefault(key, []).append(i)
    return index


def _typo_close(a: str, b: str) -> bool:
    return DamerauLevenshtein.distance(a, b) <= 1


def candidate_pairs(
    prepared: Sequence[Prepared],
    *,
    config: MatchConfig = DEFAULT_CONFIG,
    max_block: int = 500,
    max_broad_block: int = 100,
    extra_keys: ExtraKeys | None = None,
    stats: BatchStats | None = None,
    side: Sequence[int] | None = None,
) -> set[tuple[int, int]]:
    """Index pairs (i < j) sharing a key; with `side`, only pairs across different sides."""
    index = _index(prepared, config, extra_keys)
    dates = [p.birth_key for p in prepared]
    pairs: set[tuple[int, int]] = set()
    skipped = 0
    for key, members in index.items():
        if len(members) < 2:
            continue
        if len(members) > (max_broad_block if is_broad(key) else max_block):
            skipped += 1
            continue
        undated = is_undated(key)
        for a in range(len(members)):
            i = members[a]
            for b in range(a + 1, len(members)):
                j = members[b]
                if side is not None and side[i] == side[j]:
                    continue
                if undated and dates[i] and dates[j] and not _typo_close(dates[i], dates[j]):
                    # Both dated and not a typo apart: had the dates agreed, a dated key
                    # (gfy, gdob, …) would have paired them; this pair cannot match.
                    continue
                pairs.add((i, j) if i < j else (j, i))
    if stats is not None:
        stats.records = len(prepared)
        stats.keys = len(index)
        stats.skipped_blocks = skipped
        stats.candidate_pairs = len(pairs)
    return pairs


def find_clusters(
    records: Iterable[PersonRecord],
    threshold: float = 0.9,
    *,
    config: MatchConfig = DEFAULT_CONFIG,
    max_block: int = 500,
    max_broad_block: int = 100,
    extra_keys: ExtraKeys | None = None,
    stats: BatchStats | None = None,
) -> list[set[Hashable]]:
    """Clusters (sets of record ids, two or more each) of probable duplicates."""
    blocking = (max_block, max_broad_block)
    with _no_gc():
        return _find_clusters(records, threshold, config, blocking, extra_keys, stats)


def _find_clusters(
    records: Iterable[PersonRecord],
    threshold: float,
    config: MatchConfig,
    blocking: tuple[int, int],
    extra_keys: ExtraKeys | None,
    stats: BatchStats | None,
) -> list[set[Hashable]]:
    prepared = [prepare(r) for r in records]
    stats = stats if stats is not None else BatchStats()
    pairs = candidate_pairs(
        prepared,
        config=config,
        max_block=blocking[0],
        max_broad_block=blocking[1],
        extra_keys=extra_keys,
        stats=stats,
    )
    uf = UnionFind(len(prepared))
    for i, j in sorted(pairs):
        if uf.find(i) == uf.find(j):
            continue
        stats.compared_pairs += 1
        result = compare_prepared(prepared[i], prepared[j], config, min_score=threshold)
        if result.score >= threshold:
            stats.matched_pairs += 1
            uf.union(i, j)
    groups: dict[int, set[Hashable]] = {}
    for i, p in enumerate(prepared):
        groups.setdefault(uf.find(i), set()).add(p.record.id)
    return [g for g in groups.values() if len(g) > 1]


def find_links(
    left: Iterable[PersonRecord],
    right: Iterable[PersonRecord],
    threshold: float = 0.9,
    *,
    one_to_one: bool = True,
    config: MatchConfig = DEFAULT_CONFIG,
    max_block: int = 500,
    max_broad_block: int = 100,
    extra_keys: ExtraKeys | None = None,
    stats: BatchStats | None = None,
) -> list[tuple[Hashable, Hashable, float]]:
    """Links (left id, right id, score) between two duplicate-free registries."""
    blocking = (max_block, max_broad_block)
    with _no_gc():
        return _find_links(left, right, threshold, one_to_one, config, blocking, extra_keys, stats)


def _find_links(
    left: Iterable[PersonRecord],
    right: Iterable[PersonRecord],
    threshold: float,
    one_to_one: bool,
    config: MatchConfig,
    blocking: tuple[int, int],
    extra_keys: ExtraKeys | None,
    stats: BatchStats | None,
) -> list[tuple[Hashable, Hashable, float]]:
    lp = [prepare(r) for r in left]
    rp = [prepare(r) for r in right]
    prepared = lp + rp
    side = [0] * len(lp) + [1] * len(rp)
    stats = stats if stats is not None else BatchStats()
    pairs = candidate_pairs(
        prepared,
        config=config,
        max_block=blocking[0],
        max_broad_block=blocking[1],
        extra_keys=extra_keys,
        stats=stats,
        side=side,
    )
    scored: list[tuple[float, int, int]] = []
    for i, j in pairs:
        stats.compared_pairs += 1
        score = compare_prepared(prepared[i], prepared[j], config, min_score=threshold).score
        if score >= threshold:
            scored.append((score, i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    links: list[tuple[Hashable, Hashable, float]] = []
    taken: set[int] = set()
    for score, i, j in scored:
        if one_to_one and (i in taken or j in taken):
            continue
        taken.update((i, j))
        links.append((prepared[i].record.id, prepared[j].record.id, score))
    stats.matched_pairs = len(links)
    return links
