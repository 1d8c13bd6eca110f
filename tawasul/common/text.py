"""Normalization of text that people type, applied at the edge (forms, serializers).

Unicode bidirectional controls (U+202A–U+202E, U+2066–U+2069) can make a name display as
something else (a "Trojan Source" trick in a case list); zero-width characters make two
identical-looking names differ, which defeats duplicate detection. Both are removed;
ZWNJ (U+200C) is removed too since it has no role in Arabic script. NFC normalization
makes composed and decomposed forms compare equal. Other control characters are removed,
except newlines and tabs in multi-line text.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_STRIP = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH}]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def has_invisible_controls(value: str) -> bool:
    return bool(_STRIP.search(value))


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The documented normalization: NFC, invisible controls removed, spaces collapsed."""
    value = unicodedata.normalize("NFC", value)
    value = _STRIP.sub("", value)
    if multiline:
        value = _CONTROL_MULTI_LINE.sub("", value).replace("\r\n", "\n")
        return "\n".join(_SPACES.sub(" ", line).strip() for line in value.split("\n")).strip()
    value = _CONTROL_SINGLE_LINE.sub(" ", value)
    return _SPACES.sub(" ", value).strip()
