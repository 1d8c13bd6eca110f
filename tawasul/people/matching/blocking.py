"""Blocking keys: which existing persons are worth comparing with a new one.

Comparing a new person with every registered person is impossible at a million persons
within 50 ms, so each person gets a handful of short keys, and only persons that share at
least one key with the candidate are compared. A key combines name skeletons (phonetic.py:
script-independent, so «محمد الكواري» and "Mohamed Al-Kuwari" get the same key) with a
birth year or date, or is an identifier or a phone number:

    gfy:<given>:<family>:<year>     given and family name (unordered pair) + birth year
    gpf:<given>:<father>:<family>   three-part Arab name, no date needed
    gpy:<given>:<father>:<year>     given + father's name + year (family name missing)
    gdob:<given>:<yyyymmdd>         given name + exact date (family name misspelt)
    fdob:<family>:<yyyymmdd>        family name + exact date (given name misspelt)
    gf:<given>:<family>             unordered pair alone: broad, see below
    id:<type>:<value>               identifier, exact
    ph:<last 8 digits>              phone

Stored beside them for the case search only (never looked up as blocking keys):

    gc:<compound>                   a compound name token (Abdul Rahman, Shirin Uddin)

A name whose first token has the article and whose last has not ("Al-Kuwari Mohammed
Ahmed") is also read family-first. A token's skeleton is taken from the dictionary's
canonical spelling when the token is a known name (so known variants always share keys),
and from the rules otherwise; a name with an ambiguous ending gets both skeletons. An
estimated date of birth stores its year keys for every year within the tolerance (±2 by
default), so that an exact or estimated date within the tolerance shares a key;
exact-date keys (gdob, fdob) are made only for exact dates. Keys are designed to be
redundant: one misspelt field still leaves another key.

Intended database use (the registry's PersonMatchKey model; nothing here touches the
database): one row per (person, key), the key's kind (the text before the first colon)
beside it, and an index on (key, person):

    CREATE TABLE people_personmatchkey (person_id bigint, key varchar(120), kind varchar(30));
    CREATE INDEX person_match_key ON people_personmatchkey (key, person_id);

The keys of a person are rewritten whenever its names, date of birth, identifiers or phone
change (in the same service and transaction). To suggest duplicates for a candidate:

    SELECT * FROM (SELECT key, person_id FROM people_personmatchkey
                    WHERE key = <each of lookup_keys(candidate)> LIMIT <cap + 1>)
    UNION ALL ...

rank the persons by how many of the keys under the cap they share, load the first few
dozen and rank them with records.compare_prepared (tens of µs to a fraction of a ms per
comparison in pure Python; the quality script prints the figure). A key that reaches the
cap is a common one (a common name and year): reading it whole would make the work grow
with the registry for little evidence.
Keys are selective by construction (name pair + year, three names, name + date,
identifiers): in a national registry a "given + family + year" key holds a handful of
persons even for Mohammed Al-Kuwari. The broad `gf:` key (no date; `is_broad`) can hold
thousands for the most common pairs, and counting its rows costs time at a million
persons: `lookup_keys` leaves it out when the candidate has a date of birth, and for an
undated candidate the capped read above bounds it, as `find_clusters(max_broad_block=...)`
skips large broad blocks. Keys can also be stored hashed (an 8-byte
blake2b digest in a bigint column) to halve the index; their text is kept for readability.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from tawasul.people.matching import lexicon
from tawasul.people.matching.normalize import NameToken, tokenize
from tawasul.people.matching.phonetic import skeletons
from tawasul.people.matching.records import (
    DEFAULT_CONFIG,
    MatchConfig,
    PersonRecord,
    Prepared,
    prepare,
)

MIN_SKELETON = 2


@lru_cache(maxsize=200_000)
def token_keys(token: NameToken) -> tuple[str, ...]:
    """The skeleton keys of one name token (canonical and rule-based, deduplicated)."""
    keys: list[str] = []
    for canon in sorted(lexicon.canonical_names(token)):
        latin, _ = lexicon.canonical_spelling(canon)
        ref = tokenize(latin)
        if ref:
            keys.extend(skeletons(ref[0]))
    keys.extend(skeletons(token))
    out = tuple(dict.fromkeys(k for k in keys if len(k) >= MIN_SKELETON))
    if out:
        return out
    # Very short names (Ali → "li", Isa → "sa") still need a key.
    return tuple(dict.fromkeys(k for k in keys if k))


lexicon.register_dependent_cache(token_keys.cache_clear)


def _pair(a: str, b: str) -> str:
    return f"{a}:{b}" if a <= b else f"{b}:{a}"


def _years(record: PersonRecord, cfg: MatchConfig) -> list[int]:
    dob = record.date_of_birth
    if dob is None:
        return []
    if record.dob_estimated:
        tol = cfg.dob_tolerance_years
        return list(range(dob.year - tol, dob.year + tol + 1))
    return [dob.year]


def prepared_keys(p: Prepared, cfg: MatchConfig = DEFAULT_CONFIG) -> set[str]:
    record = p.record
    keys: set[str] = set()
    years = _years(record, cfg)
    exact = (
        record.date_of_birth.strftime("%Y%m%d")
        if record.date_of_birth and not record.dob_estimated
        else ""
    )
    for tokens in p.names:
        given = token_keys(tokens[0])
        for g in given:
            if exact:
                keys.add(f"gdob:{g}:{exact}")
        if len(tokens) < 2:
            continue
        family = token_keys(tokens[-1])
        orders = [(given, family)]
        if len(tokens) >= 3 and tokens[0].article and not tokens[-1].article:
            # "Al-Kuwari Mohammed Ahmed": the family name (it has the article) came first.
            orders.append((token_keys(tokens[1]), given))
        for gs, fs in orders:
            for g in gs:
                for f in fs:
                    pair = _pair(g, f)
                    keys.add(f"gf:{pair}")
                    keys.update(f"gfy:{pair}:{y}" for y in years)
        for f in family:
            if exact:
                keys.add(f"fdob:{f}:{exact}")
        if len(tokens) >= 3:
            father = token_keys(tokens[1])
            for g in given:
                for q in father:
                    keys.update(f"gpy:{g}:{q}:{y}" for y in years)
                    for f in family:
                        keys.add(f"gpf:{g}:{q}:{f}")
    for kind, value in p.identifiers.items():
        keys.add(f"id:{kind}:{value}")
    if p.phone:
        keys.add(f"ph:{p.phone}")
    return keys


# A compound name token (Abdul Rahman, Abdulrahman, عبد الرحمن, Shirin Uddin): stored for
# the case search, which reads a name typed as words that make one compound by these keys.
# Not a blocking key: neither duplicate suggestions nor the batch look them up.
COMPOUND_PREFIX = "gc:"


def compound_keys(p: Prepared) -> set[str]:
    """`gc:<skeleton>` of every compound token of the person's names, wherever it stands
    (a person registered as "Abdul Sharma", whose whole name is one compound, has no
    name-pair key to be found by)."""
    return {f"{COMPOUND_PREFIX}{k}" for tokens in p.names for token in tokens
            if len(token.parts) > 1 for k in token_keys(token)}


def compound_search_keys(record: PersonRecord) -> set[str]:
    """The compound keys to look up for a typed name that is one compound token and no
    more, else none (a name of two tokens or more is looked up by its pair keys, a single
    plain name is not keyed)."""
    p = prepare(record)
    tokens = [t for names in p.names for t in names]
    if len(tokens) != 1 or len(tokens[0].parts) < 2:
        return set()
    return compound_keys(p)


def blocking_keys(record: PersonRecord, config: MatchConfig = DEFAULT_CONFIG) -> set[str]:
    """The keys to store for a person, and to look up for a candidate (they are symmetric)."""
    return prepared_keys(prepare(record), config)


def is_broad(key: str) -> bool:
    """Name-only keys of two names, which may hold many persons."""
    return key.startswith("gf:")


def key_year(key: str) -> int | None:
    """The birth year in a key of names and year (`gfy:`, `gpy:`), else None."""
    if not key.startswith(("gfy:", "gpy:")):
        return None
    year = key.rsplit(":", 1)[1]
    return int(year) if year.isdigit() else None


def is_undated(key: str) -> bool:
    """Name-only keys (`gf:`, `gpf:`). Two persons with dates of birth that share one of
    these but no dated key have dates too far apart for a match, unless one date is a typo
    of the other; batch blocking uses them for undated persons and for such typos."""
    return key.startswith(("gf:", "gpf:"))


def lookup_keys(record: PersonRecord, config: MatchConfig = DEFAULT_CONFIG) -> set[str]:
    """The keys to look up for a candidate: its blocking keys, without the broad name-only
    keys when it has a date of birth (a dated person with the same names and a year within
    the tolerance shares a `gfy:` key; the broad key would only add persons whose dates
    disagree). Persons stored without a date are still found: they store the broad key,
    and an undated candidate looks it up. With an exact date, the date keys of the names
    read family name first are looked up as well (`_family_first_date_keys`)."""
    p = prepare(record)
    keys = prepared_keys(p, config)
    if record.date_of_birth is not None:
        keys = {k for k in keys if not is_broad(k)}
        keys |= _family_first_date_keys(p, config)
    return keys


def _family_first_date_keys(p: Prepared, cfg: MatchConfig) -> set[str]:
    """The exact-date keys of the names read family name first ("Islam Nasima" as
    Nasima Islam, "Kuwari Mohammed Ahmed" as Mohammed Ahmed Kuwari). Stored keys read a
    name given name first, so a name typed the other way shares only the unordered-pair
    key (`gfy:`) with its person, a key it shares with everyone of that name and year;
    these few keys find the person of that exact date among them."""
    if not p.record.date_of_birth or p.record.dob_estimated:
        return set()
    rotated = [(*tokens[1:], tokens[0]) for tokens in p.names if len(tokens) >= 2]
    if not rotated:
        return set()
    keys = prepared_keys(replace(p, names=tuple(rotated), identifiers={}, phone=""), cfg)
    return {k for k in keys if k.startswith(("gdob:", "fdob:"))}


def keys_for_all(records: Iterable[PersonRecord]) -> dict[str, list[PersonRecord]]:
    """An in-memory key index, for tests and small batches."""
    index: dict[str, list[PersonRecord]] = {}
    for record in records:
        for key in blocking_keys(record):
            index.setdefault(key, []).append(record)
    return index
