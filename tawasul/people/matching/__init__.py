"""Duplicate detection for the person registry: Arabic and Latin names, records, batches.

Pure Python (rapidfuzz, pyarabic, anyascii); no Django import, so it runs without settings
and the registry calls it from its services, selectors and commands.

    normalize.py   names → tokens (Arabic and Latin normalization, compounds, particles)
    phonetic.py    both scripts in one phonetic alphabet; weighted alignment; skeleton keys
    names_data.py  a dictionary of common Gulf / Arab / South-Asian names (both scripts)
    lexicon.py     lookup in that dictionary
    similarity.py  token and full-name similarity (order, missing middle names, typos)
    records.py     PersonRecord, compare() → MatchResult(score, reasons), rank_candidates()
    blocking.py    blocking keys for an indexed lookup of candidates (see its docstring)
    clustering.py  find_clusters() and find_links() for batches

Measured by scripts/matching_quality.py (Febrl3/4 against splink, and a labelled
Arabic/Latin name-variant set in data/matching/).

Comparisons are cached per process (lru caches keyed by name tokens), so a web worker gets
faster as it sees the registry's names; `warm_up()` builds the dictionary index and the
phonetic forms of its names up front (≈0.2 s), e.g. from the people app's ready().
"""

from tawasul.people.matching.blocking import blocking_keys, is_broad, lookup_keys
from tawasul.people.matching.clustering import BatchStats, find_clusters, find_links
from tawasul.people.matching.normalize import normalize_name, tokenize
from tawasul.people.matching.records import (
    DEFAULT_CONFIG,
    AttributeRule,
    IdentifierPolicy,
    MatchConfig,
    MatchResult,
    PersonRecord,
    RankedMatch,
    Reason,
    compare,
    rank_candidates,
)
from tawasul.people.matching.similarity import NameMatch, name_match, name_similarity


def warm_up() -> None:
    """Build the dictionary index and the phonetic forms of its names."""
    from tawasul.people.matching import lexicon, names_data
    from tawasul.people.matching.blocking import token_keys
    from tawasul.people.matching.phonetic import phonetic

    lexicon.size()
    for _canon, arabic, latin in names_data.entries():
        for spelling in (*arabic, *latin):
            for token in tokenize(spelling):
                phonetic(token)
                token_keys(token)


__all__ = [
    "DEFAULT_CONFIG",
    "AttributeRule",
    "BatchStats",
    "IdentifierPolicy",
    "MatchConfig",
    "MatchResult",
    "NameMatch",
    "PersonRecord",
    "RankedMatch",
    "Reason",
    "blocking_keys",
    "compare",
    "find_clusters",
    "find_links",
    "is_broad",
    "lookup_keys",
    "name_match",
    "name_similarity",
    "normalize_name",
    "rank_candidates",
    "tokenize",
    "warm_up",
]
