"""Similarity of names, across scripts, spellings, order and missing middle names.

Token level (`token_similarity`): equal normalized keys → 1; both tokens known to the
dictionary → 1 when they share a canonical name and at most 0.7 when they do not (محمد /
محمود, Hassan / Hussein are known to be different names however close their letters);
otherwise the phonetic alignment (phonetic.py), and for same-script pairs also rapidfuzz's
normalized Damerau-Levenshtein similarity, which is kinder to keyboard typos than the
phonetic costs.

Name level (`name_match`): the tokens of the shorter name are assigned to distinct tokens of
the longer one (the plausible assignments are tried; names have few tokens). An assignment
scores the average of its token similarities pulled towards the worst one (a different
given name must not be averaged away by a shared father's and family name), times:
  * 0.97 when the family name was written first ("Al-Kuwari Mohammed"), 0.8 for any other
    change of order (given and father's name swapped: often another person);
  * 0.98 per middle name present in one name only (given + family kept); 0.95 when the
    shorter name lacks the family name; 0.8 when it lacks the first given name (its first
    token is the other's father's name: another person, often the son);
  * 0.85 when one name is a single token.
Names whose best conceivable score is under 0.5 get that bound without the search. When
the token counts differ, the whole names compared without spaces are a fallback (×0.95),
for words split or glued by mistake ("black well" / "blackwell").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations, product

from rapidfuzz.distance import DamerauLevenshtein, Indel

from tawasul.people.matching import lexicon
from tawasul.people.matching.normalize import ARABIC, NameToken, tokenize
from tawasul.people.matching.phonetic import phonetic_similarity

KNOWN_DIFFERENT_CAP = 0.7
ORDER_FAMILY_FIRST = 0.97
ORDER_OTHER = 0.8
MISSING_MIDDLE = 0.98
MISSING_FAMILY = 0.95
MISSING_GIVEN = 0.8
SINGLE_TOKEN = 0.85
TYPO_FLOOR = 0.75
MAX_TOKENS = 6
SHORTLIST_MARGIN = 0.35
CLEARLY_DIFFERENT = 0.5
MAX_ASSIGNMENTS = 720


@lru_cache(maxsize=100_000)
def _with_article(token: NameToken) -> NameToken:
    prefix = "ال" if token.script == ARABIC else "al"
    return NameToken(token.script, (prefix + token.parts[0], *token.parts[1:]), False)


def _rule_similarity(a: NameToken, b: NameToken) -> float:
    best = phonetic_similarity(a, b)
    if a.script == b.script:
        # Keyboard typos (a wrong, missing, extra or swapped letter) in the same script.
        best = max(best, DamerauLevenshtein.normalized_similarity(a.key, b.key))
    if a.article != b.article:
        # «العلي» (article stripped) against "Alali" (too short to strip): compare both whole.
        alt_a = _with_article(a) if a.article else a
        alt_b = _with_article(b) if b.article else b
        best = max(best, phonetic_similarity(alt_a, alt_b))
    return best


@lru_cache(maxsize=500_000)
def token_similarity(a: NameToken, b: NameToken) -> float:
    if a.script == b.script and a.key == b.key:
        return 1.0
    ca = lexicon.canonical_names(a)
    cb = lexicon.canonical_names(b)
    if ca and cb:
        if ca & cb:
            return 1.0
        return min(_rule_similarity(a, b), KNOWN_DIFFERENT_CAP)
    if not ca and not cb:
        return _rule_similarity(a, b)
    # One name is known, the other is not ("Mohamd", «مرام»): compare the unknown one with
    # the known name's listed spellings in its own script. Same-script comparison is the
    # more reliable one, and the dictionary has said what the known name is.
    known, other = (ca, b) if ca else (cb, a)
    refs = [ref for canon in sorted(known) for ref in lexicon.spellings(canon, other.script)]
    if not refs:
        return _rule_similarity(a, b)
    # The alignment is the costly part: run it on the three closest spellings only.
    refs.sort(key=lambda ref: -Indel.normalized_similarity(ref.key, other.key))
    return max(_rule_similarity(ref, other) for ref in refs[:3])


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    cross_script: bool = False
    order_differs: bool = False
    missing_middle: int = 0
    missing_other: bool = False
    typo: bool = False
    # Name parts matched at >= 0.9 similarity: four matching parts say more than two.
    matched_parts: int = 0


NO_MATCH = NameMatch(0.0)


def _is_monotone(positions: tuple[int, ...]) -> bool:
    return all(positions[k - 1] < positions[k] for k in range(1, len(positions)))


def _assess(
    short: tuple[NameToken, ...],
    long: tuple[NameToken, ...],
    sims: list[list[float]],
    positions: tuple[int, ...],
) -> tuple[float, bool, int, bool]:
    values = [sims[i][p] for i, p in enumerate(positions)]
    score = (sum(values) / len(values) + min(values)) / 2
    n, m = len(short), len(long)
    order_differs = False
    used = set(positions)
    if not _is_monotone(positions):
        order_differs = True
        if n > 1 and _is_monotone(positions[1:] + positions[:1]):
            # The shorter name has its family name first ("Al-Kuwari Mohammed").
            score *= ORDER_FAMILY_FIRST
        elif n > 1 and _is_monotone(positions[-1:] + positions[:-1]):
            # The longer name has its family name first: read it in natural order.
            score *= ORDER_FAMILY_FIRST
            used = {(p - 1) % m for p in positions}
        else:
            score *= ORDER_OTHER
    missing_middle = 0
    missing_other = False
    if m > n:
        if n == 1:
            score *= SINGLE_TOKEN
            if positions[0] not in (0, m - 1):
                score *= MISSING_GIVEN
            missing_other = True
        else:
            if 0 not in used:
                score *= MISSING_GIVEN
                missing_other = True
            if m - 1 not in used:
                score *= MISSING_FAMILY
                missing_other = True
            middles = [p for p in range(1, m - 1) if p not in used]
            missing_middle = len(middles)
            score *= MISSING_MIDDLE**missing_middle
    elif n == 1:
        score *= 1.0 if m == 1 else SINGLE_TOKEN
    return score, order_differs, missing_middle, missing_other


def _bounded(tokens: tuple[NameToken, ...]) -> tuple[NameToken, ...]:
    """At most MAX_TOKENS tokens, keeping the family name (the last one)."""
    if len(tokens) <= MAX_TOKENS:
        return tokens
    return tokens[: MAX_TOKENS - 1] + tokens[-1:]


def _assignments(sims: list[list[float]], m: int) -> Iterable[tuple[int, ...]]:
    """Injective assignments worth trying: each token to a partner within 0.35 of its best
    one (a partner much worse than the best only lowers the minimum); all of them if the
    shortlists admit no injective choice."""
    n = len(sims)
    shortlists = []
    for row in sims:
        top = max(row)
        shortlists.append([p for p in range(m) if row[p] >= top - SHORTLIST_MARGIN])
    combinations = 1
    for shortlist in shortlists:
        combinations *= len(shortlist)
    if combinations > MAX_ASSIGNMENTS:
        # "Mohammed Mohammed Mohammed …": every token fits everywhere; the plain
        # permutations are fewer (at most 6! = 720).
        yield from permutations(range(m), n)
        return
    found = False
    for combo in product(*shortlists):
        if len(set(combo)) == n:
            found = True
            yield combo
    if not found:
        yield from permutations(range(m), n)


@lru_cache(maxsize=200_000)
def match_tokens(ta: tuple[NameToken, ...], tb: tuple[NameToken, ...]) -> NameMatch:
    if not ta or not tb:
        return NO_MATCH
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    short, long = _bounded(short), _bounded(long)
    n, m = len(short), len(long)
    sims = [[token_similarity(s, t) for t in long] for s in short]
    best: tuple[float, bool, int, bool] | None = None
    best_positions: tuple[int, ...] = ()
    # Each token's best partner: when these are distinct, in order and cover both names,
    # no other assignment can score higher (its average and minimum are both lower).
    greedy = tuple(max(range(m), key=row.__getitem__) for row in sims)
    maxima = [row[p] for row, p in zip(sims, greedy, strict=True)]
    ceiling = (sum(maxima) / n + min(maxima)) / 2
    if ceiling < CLEARLY_DIFFERENT:
        # No assignment can reach this: the names are different, and how different no
        # longer matters. The ceiling itself is returned (cheap, and an upper bound).
        return NameMatch(ceiling, cross_script=short[0].script != long[0].script)
    if n == m and len(set(greedy)) == n and _is_monotone(greedy):
        best, best_positions = _assess(short, long, sims, greedy), greedy
    else:
        for positions in _assignments(sims, m):
            values = [row[p] for row, p in zip(sims, positions, strict=True)]
            if best is not None and (sum(values) / n + min(values)) / 2 <= best[0]:
                continue  # the factors only lower a score: this one cannot win
            assessed = _assess(short, long, sims, positions)
            if best is None or assessed[0] > best[0]:
                best, best_positions = assessed, positions
    assert best is not None
    score, order_differs, missing_middle, missing_other = best
    cross = False
    typo = False
    matched = sum(1 for i, p in enumerate(best_positions) if sims[i][p] >= 0.9)
    for i, p in enumerate(best_positions):
        s, t = short[i], long[p]
        if s.script != t.script:
            cross = True
        elif s.key != t.key and TYPO_FLOOR <= sims[i][p] < 1.0:
            typo = True
    # Split or glued words ("black well" / "blackwell"): a whole-name fallback, only when
    # the token counts differ (with equal counts it would blur محمد / محمود again).
    if n != m and all(t.script == short[0].script for t in (*short, *long)):
        joined = Indel.normalized_similarity(
            "".join(t.key for t in short), "".join(t.key for t in long)
        )
        if joined * 0.95 > score:
            return NameMatch(joined * 0.95, cross_script=False, typo=joined < 1.0)
    return NameMatch(
        score=min(1.0, score),
        cross_script=cross,
        order_differs=order_differs,
        missing_middle=missing_middle,
        missing_other=missing_other,
        typo=typo,
        matched_parts=matched,
    )


def name_match(a: str, b: str) -> NameMatch:
    """Compare two full names written in natural order (given … family), any script."""
    return match_tokens(tokenize(a), tokenize(b))


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two full names, across Arabic and Latin script."""
    return name_match(a, b).score


def clear_caches() -> None:
    """Forget cached comparisons (the quality script measures cold starts with this)."""
    token_similarity.cache_clear()
    match_tokens.cache_clear()


lexicon.register_dependent_cache(clear_caches)
