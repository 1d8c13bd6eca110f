"""The community languages a directory entry may be translated into, beside its Arabic and
English: one list, with each language's own name and its direction of writing.

Codes are those the rest of the platform stores in `languages` lists (ISO 639-1 where one
exists: `tl` for Filipino/Tagalog), so that an embassy's languages and a service's
translations compare directly; `ALIASES` reads the other spellings met in practice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from tawasul.common.templatetags.tawasul_ui import language_name


class TextDirection(models.TextChoices):
    """The values of HTML's `dir` (never shown as words)."""

    LTR = "ltr"
    RTL = "rtl"


@dataclass(frozen=True)
class CommunityLanguage:
    code: str
    native_name: str
    rtl: bool = False

    @property
    def direction(self) -> str:
        return TextDirection.RTL if self.rtl else TextDirection.LTR

    @property
    def name(self) -> str:
        """The language's name in the interface's language."""
        return language_name(self.code)

    @property
    def label(self) -> str:
        """For a choice: the language as its speakers write it, then as the reader does."""
        return f"{self.native_name} — {self.name}"


COMMUNITY_LANGUAGES: tuple[CommunityLanguage, ...] = (
    CommunityLanguage("tl", "Filipino"),
    CommunityLanguage("ne", "नेपाली"),
    CommunityLanguage("hi", "हिन्दी"),
    CommunityLanguage("ur", "اردو", rtl=True),
    CommunityLanguage("bn", "বাংলা"),
    CommunityLanguage("ml", "മലയാളം"),
    CommunityLanguage("ta", "தமிழ்"),
    CommunityLanguage("te", "తెలుగు"),
    CommunityLanguage("si", "සිංහල"),
    CommunityLanguage("id", "Bahasa Indonesia"),
    CommunityLanguage("fr", "Français"),
    CommunityLanguage("sw", "Kiswahili"),
    CommunityLanguage("am", "አማርኛ"),
    CommunityLanguage("ti", "ትግርኛ"),
    CommunityLanguage("so", "Soomaali"),
    CommunityLanguage("fa", "فارسی", rtl=True),
    CommunityLanguage("ps", "پښتو", rtl=True),
)

COMMUNITY_LANGUAGE_CODES: tuple[str, ...] = tuple(lang.code for lang in COMMUNITY_LANGUAGES)
BY_CODE: dict[str, CommunityLanguage] = {lang.code: lang for lang in COMMUNITY_LANGUAGES}

# Other codes for the same languages: ISO 639-2/3 and BCP 47 spellings.
ALIASES: dict[str, str] = {"fil": "tl", "tgl": "tl", "in": "id", "ind": "id", "per": "fa",
                           "fas": "fa", "nep": "ne", "urd": "ur", "hin": "hi", "ben": "bn"}


def community_language(code: object) -> CommunityLanguage | None:
    """The community language a code names, or None (Arabic, English, unknown codes)."""
    key = str(code or "").strip().lower().replace("_", "-").split("-")[0]
    return BY_CODE.get(ALIASES.get(key, key))


def language_choices() -> list[tuple[str, str]]:
    """The model field's choices, named in the interface's language (a callable, so that
    the names follow the language of each request and the list lives only here)."""
    return [(lang.code, lang.label) for lang in COMMUNITY_LANGUAGES]


def community_languages_in(codes: Iterable[object]) -> list[str]:
    """The community languages among `codes` (an organization's or a person's `languages`),
    in their order, each once."""
    found: list[str] = []
    for code in codes or ():
        lang = community_language(code)
        if lang is not None and lang.code not in found:
            found.append(lang.code)
    return found
