"""Arabic and Latin names in one phonetic alphabet, a weighted alignment, and skeleton keys.

Both scripts are rewritten into the same small alphabet of single-character symbols:

    consonants  b p t c(θ: ث, "th") d D(ð/ẓ: ذ ظ, "dh") j g G(ɣ: غ, "gh") q k x(χ: خ, "kh") h
                f v w y l m n r s S(ʃ: ش, "sh"/"ch") z
    weak        ' (ع ء أ ؤ ئ, word-initial ا, Latin apostrophe)   H (word-final ه / Latin "-ah")
    vowels      a e i u (short; Arabic writes none of them except final ة → a)
                A I U (long: ا ى / ي / و when vocalic; Latin aa / ee ii ie / oo ou uu)
                Y W (Latin diphthongs ai ay ei ey / aw ow au)

Arabic script does not write short vowels, so an Arabic-derived sequence is consonants plus
long vowels, and a Latin one has every vowel. The alignment (`phonetic_similarity`) is an
edit distance whose costs say how likely each difference is between two spellings of ONE
name: a Latin short vowel missing from Arabic costs almost nothing (محمد ~ Muhammad), a
long vowel that one side lacks costs more (محمد vs Mahmoud, حامد vs Ahmed), known spelling
alternations are cheap (q/k/g, th/t/s, dh/d/z, kh/h, e ~ a ~ i, o = u, Latin "th" ~ Arabic
ت+ح as in Fathi), and an unrelated consonant costs a full edit. It is a hand-set cost
table, not a learned model; `scripts/matching_quality.py` measures it.

The skeleton (`skeletons`) is the coarse key for blocking: consonant classes only (t; d/z/
th/dh; s; sh; j; k/q/g/gh; h/kh; b/p; f; l m n r), semivowels kept only at the start of a
word, doubled letters collapsed, and a final-vowel marker (a for ة ا ى / -a -ah, i for ي /
-i -y) so that Ali and Alia, or Said and Saida, get different keys. A final ه / "-ah" is
ambiguous between ة and a real ه/ح (Fatimah, Saleh, Abdullah), so such names get two keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel

from tawasul.people.matching.normalize import ARABIC, LATIN, NameToken

SHORT_VOWELS = frozenset("aeiu")
LONG_VOWELS = frozenset("AIUYW")
VOWELS = SHORT_VOWELS | LONG_VOWELS
WEAK = frozenset("'H")
SEMIVOWELS = frozenset("yw")

_AR_CONSONANTS = {
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ث": "c",
    "ج": "j",
    "چ": "S",
    "ح": "h",
    "خ": "x",
    "د": "d",
    "ذ": "D",
    "ر": "r",
    "ز": "z",
    "ژ": "j",
    "س": "s",
    "ش": "S",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "D",
    "ع": "'",
    "غ": "G",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "گ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ء": "'",
    "ؤ": "'",
    "ئ": "'",
}

_LAT_DIGRAPHS = {
    "sh": "S",
    "ch": "S",
    "kh": "x",
    "gh": "G",
    "th": "c",
    "dh": "D",
    "ph": "f",
    "ck": "k",
    "zh": "j",
    "dj": "j",
}
_LAT_SINGLE = {
    "b": "b",
    "d": "d",
    "f": "f",
    "g": "g",
    "j": "j",
    "k": "k",
    "l": "l",
    "m": "m",
    "n": "n",
    "p": "p",
    "q": "q",
    "r": "r",
    "s": "s",
    "t": "t",
    "z": "z",
    "v": "v",
    "'": "'",
}
_LAT_VOWEL_LETTERS = frozenset("aeiou")

# A Latin digraph may stand for two Arabic letters: "Fathi" is فتحي (t + h), not ث.
SPLITS = {"c": ("t", "h"), "D": ("d", "h"), "S": ("s", "h"), "x": ("k", "h"), "G": ("g", "h")}
SPLIT_COST = 0.1
PREFILTER = 0.5
FLOOR = 0.3
TRANSPOSE_COST = 0.6

_NEAR_CONSONANTS = {
    ("c", "D"): 0.2,
    ("c", "t"): 0.3,
    ("c", "s"): 0.35,
    ("c", "z"): 0.5,
    ("D", "d"): 0.2,
    ("D", "z"): 0.2,
    ("d", "z"): 0.35,  # ض as z in Persian, Urdu, Turkish spellings (Ramzan, Ziauddin)
    ("t", "d"): 0.7,
    ("s", "z"): 0.6,
    ("s", "S"): 0.6,
    ("j", "g"): 0.3,
    ("j", "z"): 0.7,
    ("g", "q"): 0.3,
    ("q", "k"): 0.2,
    ("g", "k"): 0.4,
    ("G", "g"): 0.15,
    ("G", "q"): 0.5,
    ("G", "x"): 0.6,
    ("x", "h"): 0.3,
    ("x", "k"): 0.4,
    ("b", "p"): 0.2,
    ("f", "p"): 0.4,
    ("v", "w"): 0.2,
    ("v", "f"): 0.4,
    ("v", "b"): 0.5,
    ("h", "H"): 0.05,
    ("'", "h"): 0.6,
    ("'", "y"): 0.5,
    ("'", "w"): 0.5,
    ("'", "G"): 0.7,
}
_QUALITY = {
    "a": "a",
    "A": "a",
    "e": "e",
    "i": "i",
    "I": "i",
    "u": "u",
    "U": "u",
    "Y": "y",
    "W": "w",
}
# Latin "e" stands for any short vowel in English- and French-style spellings (Ahmed,
# Khaled, Yousef); a, i and u are written as heard and rarely alternate within one name.
_COMPATIBLE_QUALITIES = {
    ("e", "a"): 0.15,
    ("e", "i"): 0.15,
    ("e", "u"): 0.4,
    ("y", "i"): 0.15,
    ("y", "e"): 0.15,
    ("y", "a"): 0.3,
    ("w", "u"): 0.15,
    ("w", "a"): 0.3,
    ("a", "u"): 0.7,
    ("a", "i"): 0.8,
    ("i", "u"): 0.8,
}

ALPHABET = "bptcdDjgGqkxhfvwylmnrsSz'H" + "aeiuAIUYW"


def _sub_cost(p: str, q: str) -> float:
    if p == q:
        return 0.0
    near = _NEAR_CONSONANTS.get((p, q), _NEAR_CONSONANTS.get((q, p)))
    if near is not None:
        return near
    if p in VOWELS and q in VOWELS:
        qp, qq = _QUALITY[p], _QUALITY[q]
        if qp == qq:
            return 0.1
        compatible = _COMPATIBLE_QUALITIES.get((qp, qq), _COMPATIBLE_QUALITIES.get((qq, qp)))
        if compatible is not None:
            return compatible
        return 0.8 if (p in LONG_VOWELS or q in LONG_VOWELS) else 0.6
    pair = {p, q}
    if pair & SEMIVOWELS and pair & VOWELS:
        semi = (pair & SEMIVOWELS).pop()
        vowel = (pair & VOWELS).pop()
        if (semi == "y" and _QUALITY[vowel] in "iye") or (semi == "w" and _QUALITY[vowel] in "uw"):
            return 0.15
    if "'" in pair and pair & VOWELS:
        return 0.15
    if "H" in pair and pair & VOWELS:
        return 0.25
    return 1.0


SUB: dict[str, dict[str, float]] = {p: {q: _sub_cost(p, q) for q in ALPHABET} for p in ALPHABET}


def _weight(symbol: str) -> float:
    if symbol in WEAK:
        return 0.2
    if symbol in SHORT_VOWELS:
        return 0.4
    if symbol in LONG_VOWELS:
        return 0.6
    if symbol in SEMIVOWELS:
        return 0.8
    return 1.0


def _indel(symbol: str, position: str, own: str, other: str) -> float:
    """Cost of a symbol present in one spelling (script `own`) and absent from the other."""
    if symbol == "'":
        return 0.1
    if symbol == "H":
        return 0.15
    if symbol in SHORT_VOWELS:
        if own == LATIN and other == ARABIC:
            if position == "initial":
                return 0.6
            if position == "final":
                return 0.15 if symbol == "e" else 0.5
            return 0.1
        if own == ARABIC:
            return 0.5
        if position == "medial":
            return 0.35
        return 0.2 if (symbol == "e" and position == "final") else 0.5
    if symbol in LONG_VOWELS:
        if own == ARABIC:
            # Between two Arabic spellings an extra و/ي/ا is another name (حسن / حسين,
            # فهد / فهيد); against Latin it may be a vowel the Latin left short.
            return 0.9 if other == ARABIC else 0.6
        if other == ARABIC:
            # A Latin long vowel where Arabic writes none: Mahmoud is not محمد. But French
            # spellings write every short u as "ou" (Loujain, Mourad), so "ou" costs less.
            return 0.4 if symbol == "U" else 0.6
        return 0.5
    if symbol in SEMIVOWELS:
        return 0.5
    if symbol == "h":
        return 0.6
    return 1.0


@dataclass(frozen=True, slots=True)
class Phonetic:
    """A token in the shared alphabet, with per-symbol costs precomputed."""

    script: str
    symbols: str
    positions: tuple[str, ...]
    weight: float
    indel_vs_arabic: tuple[float, ...]
    indel_vs_latin: tuple[float, ...]
    skeleton: str


def _collapse(symbols: list[str]) -> list[str]:
    out: list[str] = []
    for s in symbols:
        if out and out[-1] == s:
            continue
        out.append(s)
    return out


def arabic_symbols(part: str) -> list[str]:
    out: list[str] = []
    n = len(part)
    for i, ch in enumerate(part):
        prev = part[i - 1] if i else ""
        nxt = part[i + 1] if i + 1 < n else ""
        if ch == "ا" and nxt == "ئ":
            continue  # «ائ» is the Latin "ai"/"ae" of Aisha, Wael, Raed: one diphthong.
        if ch == "ئ" and prev == "ا":
            out.append("Y")
        elif ch == "ا":
            out.append("'" if i == 0 else "A")
        elif ch == "و":
            consonant = i == 0 or nxt == "ا" or prev == "ا" or nxt == "و"
            out.append("w" if consonant else "U")
        elif ch == "ي":
            consonant = i == 0 or nxt == "ا" or prev == "ا" or nxt == "ي"
            out.append("y" if consonant else "I")
        elif ch == "ه":
            out.append("H" if i == n - 1 else "h")
        elif ch == "ة":
            out.append("a")
        elif ch == "ى":
            out.append("A")
        else:
            symbol = _AR_CONSONANTS.get(ch)
            if symbol:
                out.append(symbol)
    return _collapse(out)


def latin_symbols(part: str) -> list[str]:
    out: list[str] = []
    s = part
    n = len(s)
    i = 0
    while i < n:
        ch = s[i]
        two = s[i : i + 2]
        after = s[i + 2] if i + 2 < n else ""
        nxt = s[i + 1] if i + 1 < n else ""
        if s[i : i + 3] in ("sch", "tch"):
            out.append("S")
            i += 3
            continue
        if two in _LAT_DIGRAPHS:
            out.append(_LAT_DIGRAPHS[two])
            i += 2
            continue
        if ch in _LAT_VOWEL_LETTERS:
            first = "u" if ch == "o" else ch
            if two in ("ai", "ay", "ei", "ey"):
                if after in _LAT_VOWEL_LETTERS:
                    out.append(first)
                    i += 1
                    continue
                out.append("Y")
                i += 2
                continue
            if two in ("aw", "ow", "au"):
                if after in _LAT_VOWEL_LETTERS:
                    out.append(first)
                    i += 1
                    continue
                out.append("W")
                i += 2
                continue
            if two in ("iy", "uw") and after in _LAT_VOWEL_LETTERS:
                out.append("I" if ch == "i" else "U")
                i += 2
                continue
            if two == "aa":
                out.append("A")
                i += 2
                continue
            if two in ("ee", "ii") or (two == "ie" and after not in _LAT_VOWEL_LETTERS):
                out.append("I")
                i += 2
                continue
            if two in ("oo", "ou", "uu"):
                out.append("U")
                i += 2
                continue
            out.append(first)
            i += 1
            continue
        if ch == "y":
            out.append("y" if nxt in _LAT_VOWEL_LETTERS else "i")
        elif ch == "w":
            out.append("w" if (i == 0 or nxt in _LAT_VOWEL_LETTERS) else "U")
        elif ch == "c":
            out.append("s" if nxt in ("e", "i", "y") else "k")
        elif ch == "x":
            out.extend(("k", "s"))
        elif ch == "h":
            out.append("H" if (i == n - 1 and i > 0 and s[i - 1] in _LAT_VOWEL_LETTERS) else "h")
        else:
            symbol = _LAT_SINGLE.get(ch)
            if symbol:
                out.append(symbol)
        i += 1
    return _collapse(out)


def _positions(length: int) -> list[str]:
    if length == 0:
        return []
    out = ["medial"] * length
    out[0] = "initial"
    out[-1] = "final" if length > 1 else "initial"
    return out


@lru_cache(maxsize=200_000)
def phonetic(token: NameToken) -> Phonetic:
    symbols: list[str] = []
    positions: list[str] = []
    convert = arabic_symbols if token.script == ARABIC else latin_symbols
    for part in token.parts:
        seq = convert(part)
        if symbols and seq and symbols[-1] == seq[0]:
            seq = seq[1:]  # Abdul Latif: the doubled l of the compound is one sound.
            part_positions = _positions(len(seq) + 1)[1:]
        else:
            part_positions = _positions(len(seq))
        symbols.extend(seq)
        positions.extend(part_positions)
    own = token.script
    return Phonetic(
        script=own,
        symbols="".join(symbols),
        positions=tuple(positions),
        weight=sum(_weight(s) for s in symbols),
        indel_vs_arabic=tuple(
            _indel(s, p, own, ARABIC) for s, p in zip(symbols, positions, strict=True)
        ),
        indel_vs_latin=tuple(
            _indel(s, p, own, LATIN) for s, p in zip(symbols, positions, strict=True)
        ),
        skeleton=skeletons(token)[0],
    )


def _distance(a: Phonetic, b: Phonetic, cutoff: float) -> float:
    """Weighted edit distance; stops early once it must exceed `cutoff` (returns cutoff)."""
    x, y = a.symbols, b.symbols
    xi = a.indel_vs_arabic if b.script == ARABIC else a.indel_vs_latin
    yi = b.indel_vs_arabic if a.script == ARABIC else b.indel_vs_latin
    n, m = len(x), len(y)
    split_y = [SPLITS.get(c) for c in y]
    prev2: list[float] = []
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + yi[j - 1]
    for i in range(1, n + 1):
        xc = x[i - 1]
        x_before = x[i - 2] if i >= 2 else ""
        sub_row = SUB[xc]
        x_indel = xi[i - 1]
        split_x = SPLITS.get(xc)
        cur = [prev[0] + x_indel] + [0.0] * m
        for j in range(1, m + 1):
            yc = y[j - 1]
            best = prev[j - 1] + sub_row[yc]
            cost = prev[j] + x_indel
            if cost < best:
                best = cost
            cost = cur[j - 1] + yi[j - 1]
            if cost < best:
                best = cost
            if split_x is not None and j >= 2 and y[j - 2] == split_x[0] and yc == split_x[1]:
                cost = prev[j - 2] + SPLIT_COST
                if cost < best:
                    best = cost
            if x_before:
                sy = split_y[j - 1]
                if sy is not None and x_before == sy[0] and xc == sy[1]:
                    cost = prev2[j - 1] + SPLIT_COST
                    if cost < best:
                        best = cost
                if j >= 2 and xc == y[j - 2] and x_before == yc and xc != yc:
                    cost = prev2[j - 2] + TRANSPOSE_COST
                    if cost < best:
                        best = cost
            cur[j] = best
        if min(cur) > cutoff:
            return cutoff
        prev2, prev = prev, cur
    return min(prev[m], cutoff)


@lru_cache(maxsize=500_000)
def phonetic_similarity(a: NameToken, b: NameToken) -> float:
    """Similarity in [0, 1] of two tokens through the weighted alignment."""
    pa, pb = phonetic(a), phonetic(b)
    if not pa.symbols or not pb.symbols:
        return 0.0
    if pa.symbols == pb.symbols:
        return 1.0
    if Indel.normalized_similarity(pa.skeleton, pb.skeleton) < PREFILTER:
        # Consonant skeletons sharing less than half: the alignment would not call these
        # similar either; a plain Indel similarity of the symbols is enough (and 50× faster).
        return 0.9 * Indel.normalized_similarity(pa.symbols, pb.symbols)
    norm = max(pa.weight, pb.weight)
    # Below FLOOR the exact value does not matter (such names are different either way).
    return 1.0 - _distance(pa, pb, (1.0 - FLOOR) * norm) / norm


_SKELETON_CLASS = {
    "b": "b",
    "p": "b",
    "t": "t",
    "c": "d",
    "D": "d",
    "d": "d",
    "z": "d",
    "s": "s",
    "S": "x",
    "j": "j",
    "G": "k",
    "g": "k",
    "q": "k",
    "k": "k",
    "h": "h",
    "x": "h",
    "f": "f",
    "v": "w",
    "w": "w",
    "y": "y",
    "l": "l",
    "m": "m",
    "n": "n",
    "r": "r",
}


@lru_cache(maxsize=200_000)
def skeletons(token: NameToken) -> tuple[str, ...]:
    """Blocking keys of one token: usually one, two when the final -h/ه is ambiguous."""
    convert = arabic_symbols if token.script == ARABIC else latin_symbols
    body: list[str] = []
    last = ""
    for part in token.parts:
        seq = convert(part)
        for k, symbol in enumerate(seq):
            cls = _SKELETON_CLASS.get(symbol)
            if cls is None or (cls in ("w", "y") and k > 0):
                continue
            body.append(cls)
        if seq:
            last = seq[-1]
    base = "".join(_collapse(body))
    if last in ("a", "A"):
        return (base + "a",)
    if last in ("i", "I", "Y"):
        return (base + "i",)
    if last == "H":
        return (base + "a", "".join(_collapse([*body, "h"])))
    return (base,)
