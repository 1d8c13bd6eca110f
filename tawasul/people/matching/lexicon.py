"""Lookup of a token in the dictionary of common names (names_data).

A token maps to the set of canonical names it can be a spelling of: usually one, sometimes
two (Rashid: راشد or رشيد), none when the name is not in the dictionary. Two tokens that
share a canonical name are the same name; two tokens that are both known and share none are
known to be different names (محمد / محمود, Hassan / Hussein), whatever their letters.

`enabled(False)` switches the dictionary off, so the quality script can measure the
rule-based comparison alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from tawasul.people.matching import names_data
from tawasul.people.matching.normalize import NameToken, tokenize

_state = {"enabled": True}


@lru_cache(maxsize=1)
def _index() -> tuple[
    dict[str, frozenset[str]],
    dict[str, tuple[str, str]],
    dict[tuple[str, str], tuple[NameToken, ...]],
]:
    keys: dict[str, set[str]] = {}
    spellings: dict[str, tuple[str, str]] = {}
    by_script: dict[tuple[str, str], list[NameToken]] = {}
    for canon, arabic, latin in names_data.entries():
        spellings.setdefault(canon, (latin[0], arabic[0]))
        for spelling in (*arabic, *latin):
            tokens = tokenize(spelling)
            if len(tokens) != 1:
                raise ValueError(f"dictionary spelling is not one name token: {spelling!r}")
            token = tokens[0]
            listed = by_script.setdefault((canon, token.script), [])
            if token not in listed:
                listed.append(token)
            for key in {_lookup_key(token), _lookup_key(token, article=True)}:
                keys.setdefault(key, set()).add(canon)
    return (
        {k: frozenset(v) for k, v in keys.items()},
        spellings,
        {k: tuple(v) for k, v in by_script.items()},
    )


def _lookup_key(token: NameToken, *, article: bool = False) -> str:
    return f"{token.script}:{token.with_article if article else token.key}"


def canonical_names(token: NameToken) -> frozenset[str]:
    """The dictionary names this token can be a spelling of (empty when unknown or disabled)."""
    if not _state["enabled"]:
        return frozenset()
    return _lookup(token)


@lru_cache(maxsize=200_000)
def _lookup(token: NameToken) -> frozenset[str]:
    keys = _index()[0]
    found = keys.get(_lookup_key(token, article=True))
    if found is None:
        found = keys.get(_lookup_key(token))
    return found or frozenset()


def canonical_spelling(canon: str) -> tuple[str, str]:
    """(Latin, Arabic) reference spellings of a canonical name."""
    return _index()[1][canon]


def spellings(canon: str, script: str) -> tuple[NameToken, ...]:
    """Every listed spelling of a canonical name in one script, as tokens."""
    return _index()[2].get((canon, script), ())


def is_enabled() -> bool:
    return _state["enabled"]


_dependent_caches: list[Callable[[], None]] = []


def register_dependent_cache(clear: Callable[[], None]) -> None:
    """Caches whose content depends on the dictionary register here to be emptied when it
    is switched on or off."""
    _dependent_caches.append(clear)


def _clear_dependent() -> None:
    for clear in _dependent_caches:
        clear()


@contextmanager
def enabled(value: bool) -> Iterator[None]:
    """Temporarily switch the dictionary on or off."""
    previous = _state["enabled"]
    _state["enabled"] = value
    _clear_dependent()
    try:
        yield
    finally:
        _state["enabled"] = previous
        _clear_dependent()


def size() -> int:
    return len(_index()[1])
