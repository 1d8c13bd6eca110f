"""Name normalization and tokenization, for Arabic-script and Latin-script names.

A name string becomes a tuple of `NameToken`s. Each token knows its script, its parts (a
compound such as «عبد الرحمن» / "Abdul Rahman" / "Abd al-Rahman" is ONE token with parts
("عبد", "رحمن") / ("abd", "rahman"), so spacing differences vanish) and whether it carried
the article (ال / al- / el-), which is stripped from the parts because it is written
inconsistently ("Al-Kuwari", "Alkuwari", "Kuwari", «الكواري», «كواري»).

Arabic: NFKC (presentation forms), tashkeel, Quranic marks and tatweel removed; أ إ آ ٱ → ا;
Persian/Urdu letter shapes (ک ی ہ ھ ۀ ے ٹ ڈ ڑ ں) → their Arabic counterparts. ة and ى are kept
in `parts` (they carry a final vowel for transliteration) and folded (ة → ه, ى → ي, ؤ → و,
ئ → ي, ء dropped) in `key`, the form used for exact and fuzzy same-script comparison.

Latin: anyascii (accents and other Latin-like scripts → ASCII), lowercase, letters only;
apostrophes kept as a glottal mark ("Sa'ad"); hyphens split words; bin/ibn/bint/ould
connectors dropped; al/el/ul (and assimilated ar-/as-/ash-/ad-… before the same consonant)
articles dropped; abd/abdul/abdel/abdur… joined with the following word; -uddin/-eddine and
-ullah suffixes joined with the preceding word.

Bidirectional and zero-width controls are removed first (tawasul.common.text.clean_text), so
a name with an embedded U+202E or U+200B compares equal to the clean one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from anyascii import anyascii
from pyarabic import araby

from tawasul.common.text import clean_text

ARABIC = "ar"
LATIN = "latin"

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
# Tashkeel, Quranic annotation marks, superscript alef (U+0670).
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC_KEEP = re.compile(r"[^\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ک": "ك",
        "ی": "ي",
        "ے": "ي",
        "ې": "ي",
        "ہ": "ه",
        "ھ": "ه",
        "ە": "ه",
        "ۀ": "ة",
        "ۃ": "ة",
        "ٹ": "ت",
        "ڈ": "د",
        "ڑ": "ر",
        "ں": "ن",
        "ٶ": "ؤ",
        "ٸ": "ئ",
    }
)
# The comparison key: letters that are written interchangeably in names.
_ARABIC_KEY = str.maketrans(
    {"ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ء": None, "پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ك"}
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"[\s\-‐-―_.,;:/\\()\[\]{}\"«»،؛]+")
_APOSTROPHES = re.compile(r"[’‘`´ʿʾʼ]")
_LATIN_KEEP = re.compile(r"[^a-z']")

# Arabic particles.
_AR_CONNECTORS = frozenset({"بن", "ابن", "بنت", "ولد"})
_AR_ARTICLE = "ال"  # also «آل» (family of) once آ is folded
_AR_ABD = "عبد"
_AR_ABU = "ابو"
_AR_SUFFIXES = {"الدين": "دين", "الله": "له"}

# Latin particles.
_LAT_CONNECTORS = frozenset({"bin", "ibn", "bint", "binti", "ben", "bent", "ould", "walad"})
_LAT_ARTICLES = frozenset({"al", "el", "ul", "il", "aal", "äl", "l"})
# Assimilated article before a "sun letter": ar-Rashid, as-Sayed, ash-Shammari, ad-Dosari.
_LAT_SUN_ARTICLES = {
    "ar": "r",
    "as": "s",
    "ash": "sh",
    "ad": "d",
    "adh": "dh",
    "at": "t",
    "ath": "th",
    "az": "z",
    "an": "n",
    "ur": "r",
    "us": "s",
    "ud": "d",
    "un": "n",
    "ut": "t",
    "uz": "z",
    "ush": "sh",
    "er": "r",
    "es": "s",
    "ed": "d",
    "en": "n",
    "et": "t",
    "ez": "z",
}
_LAT_ABD = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdil", "abdol", "abdur", "abdus", "abdar"}
)
# "Abdo", "Abdou", "Abdu", "Abdi" are also names on their own: joined only before a divine name.
_LAT_ABD_WEAK = frozenset({"abdo", "abdou", "abdu", "abdi", "abdoul", "abde", "abda"})
_LAT_ABU = frozenset({"abu", "abou", "abo", "bou", "bu"})
_LAT_DIN = frozenset(
    {"din", "deen", "dine", "dean", "eddin", "eddine", "uddin", "udin", "addin", "iddin"}
)
_LAT_ALLAH = frozenset({"allah", "ullah", "ulla", "alla", "ollah", "lah", "llah"})
# Connector spellings between "abd" and the divine name in glued forms (Abdulaziz,
# Abdelrahman, Abdurrahman, Abdirahman), longest first.
_ABD_LINKS = (
    "oul",
    "ul",
    "el",
    "al",
    "il",
    "ol",
    "ur",
    "us",
    "ar",
    "as",
    "er",
    "es",
    "ad",
    "an",
    "at",
    "az",
    "ou",
    "u",
    "e",
    "a",
    "i",
    "o",
    "",
)
# The second half of «عبد ...» names (the divine names and a few others), Latin spellings.
_DIVINE_TEXT = """
    rahman rehman rahmane rahim raheem rahime aziz azeez karim kareem kerim latif lateef majid
    majeed majed hamid hameed hamed qadir kader qader kadir gadir nasser naser nasir salam
    salaam hadi hady wahab wahhab wahhaab razzaq razak razaq razzak rezak ghafur ghafour
    ghaffar ghafar basit baset halim haleem muhsin mohsen mohsin ilah illah elah lah llah la
    jabbar jabar sattar satar azim azeem adheem munim moneim monem mounaim fattah fatah hakim
    hakeem khaliq khalek khaleq malik malek wahid waheed ahad samad samed jalil jaleel jawad
    kabir kabeer rauf raouf wadud wadood mannan nabi nabbi rasul rasoul hussein husain hussain
    hafiz hafeez hafez qayyum qayum baqi baki muttalib mutalib mughni ghani ghanee bari
"""
DIVINE_NAMES = frozenset(_DIVINE_TEXT.split())


@dataclass(frozen=True, slots=True)
class NameToken:
    """One word of a name (or one compound), normalized.

    `key` is the same-script comparison form: the parts joined, article dropped, Arabic
    letters folded (ة → ه, ى → ي, ؤ → و, ئ → ي, ء dropped), Latin apostrophes dropped.
    """

    script: str
    parts: tuple[str, ...]
    article: bool = False
    key: str = field(init=False, compare=False)
    _hash: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        joined = "".join(self.parts)
        key = joined.translate(_ARABIC_KEY) if self.script == ARABIC else joined.replace("'", "")
        object.__setattr__(self, "key", key)
        # Tokens are cache keys of every comparison: hash them once.
        object.__setattr__(self, "_hash", hash((self.script, self.parts, self.article)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def with_article(self) -> str:
        """The key with the article kept, for dictionary lookups of names like «الياس»."""
        if not self.article:
            return self.key
        return (_AR_ARTICLE if self.script == ARABIC else "al") + self.key


def normalize_digits(value: str) -> str:
    """Arabic-Indic and Persian digits → ASCII; for identifiers and phone numbers."""
    return value.translate(_DIGITS)


def has_arabic(value: str) -> bool:
    return bool(_ARABIC_LETTER.search(value))


@lru_cache(maxsize=100_000)
def _normalize_arabic_word(word: str) -> str:
    word = araby.strip_tatweel(araby.strip_tashkeel(word))
    word = _ARABIC_MARKS.sub("", word).translate(_ARABIC_FOLD)
    return _ARABIC_KEEP.sub("", word)


@lru_cache(maxsize=100_000)
def _normalize_latin_word(word: str) -> str:
    word = _APOSTROPHES.sub("'", word)
    word = anyascii(word).lower()
    word = _LATIN_KEEP.sub("", word).strip("'")
    return re.sub("'+", "'", word)


def _split_words(value: str) -> list[tuple[str, str]]:
    value = unicodedata.normalize("NFKC", clean_text(value))
    out: list[tuple[str, str]] = []
    for raw in _SEPARATORS.split(value):
        if not raw:
            continue
        if has_arabic(raw):
            word = _normalize_arabic_word(raw)
            if word:
                out.append((ARABIC, word))
        else:
            word = _normalize_latin_word(raw)
            if word.replace("'", ""):
                out.append((LATIN, word))
    return out


def _strip_ar_article(word: str, min_rest: int = 3) -> tuple[str, bool]:
    if word.startswith(_AR_ARTICLE) and len(word) - 2 >= min_rest:
        return word[2:], True
    return word, False


def _arabic_tokens(words: list[str]) -> list[NameToken]:
    tokens: list[NameToken] = []
    pending_article = False
    i = 0
    while i < len(words):
        word = words[i]
        has_next = i + 1 < len(words)
        if word in _AR_CONNECTORS and tokens and has_next:
            i += 1
            continue
        if word == _AR_ARTICLE and has_next:
            pending_article = True
            i += 1
            continue
        if word in _AR_SUFFIXES and tokens and not pending_article:
            last = tokens[-1]
            tokens[-1] = NameToken(ARABIC, (*last.parts, _AR_SUFFIXES[word]), last.article)
            i += 1
            continue
        if word in (_AR_ABD, _AR_ABU) and has_next:
            rest, _ = _strip_ar_article(words[i + 1], min_rest=2)
            tokens.append(NameToken(ARABIC, (word, rest), pending_article))
            pending_article = False
            i += 2
            continue
        tokens.append(_arabic_word_token(word, pending_article))
        pending_article = False
        i += 1
    return tokens


@lru_cache(maxsize=100_000)
def _arabic_word_token(word: str, article: bool) -> NameToken:
    for prefix in (_AR_ABD, _AR_ABU):
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            rest, _ = _strip_ar_article(word[len(prefix) :], min_rest=2)
            return NameToken(ARABIC, (prefix, rest), article)
    for suffix, short in _AR_SUFFIXES.items():
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            head, had = _strip_ar_article(word[: -len(suffix)])
            return NameToken(ARABIC, (head, short), article or had)
    stripped, had = _strip_ar_article(word)
    return NameToken(ARABIC, (stripped,), article or had)


def _split_glued_abd(word: str) -> tuple[str, str] | None:
    """ "abdulrahman" → ("abd", "rahman"); None when the word is not an abd- compound."""
    if not word.startswith("abd") or len(word) < 6:
        return None
    rest = word[3:].lstrip("'")
    fallback: str | None = None
    for link in _ABD_LINKS:
        if not rest.startswith(link):
            continue
        tail = rest[len(link) :].lstrip("'-")
        if len(tail) < 2:
            continue
        candidate = tail
        # Assimilated article: abdur-rahman, abdus-salam.
        if len(candidate) > 2 and candidate[0] == candidate[1]:
            candidate = candidate[1:]
        if candidate in DIVINE_NAMES:
            return "abd", candidate
        if fallback is None and len(tail) >= 3:
            fallback = candidate
    if fallback is None:
        return None
    return "abd", fallback


def _strip_lat_article(word: str) -> tuple[str, bool]:
    for prefix in ("al", "el"):
        if word.startswith(prefix) and len(word) - 2 >= 4:
            return word[2:].lstrip("'"), True
    return word, False


def _latin_tokens(words: list[str]) -> list[NameToken]:
    tokens: list[NameToken] = []
    pending_article = False
    i = 0
    n = len(words)
    while i < n:
        word = words[i]
        has_next = i + 1 < n
        nxt = words[i + 1] if has_next else ""
        if word in _LAT_CONNECTORS and tokens and has_next:
            i += 1
            continue
        if has_next and (
            word in _LAT_ARTICLES
            or (word in _LAT_SUN_ARTICLES and nxt.startswith(_LAT_SUN_ARTICLES[word]))
        ):
            # "Abdel Rahman"-style articles after abd are handled below; a dangling article
            # before a -din/-ullah suffix belongs to the suffix.
            pending_article = True
            i += 1
            continue
        if tokens and (word in _LAT_DIN or word in _LAT_ALLAH):
            last = tokens[-1]
            tail = "din" if word in _LAT_DIN else "lah"
            tokens[-1] = NameToken(LATIN, (*last.parts, tail), last.article)
            pending_article = False
            i += 1
            continue
        if has_next and (word in _LAT_ABD or word in _LAT_ABU or word in _LAT_ABD_WEAK):
            j = i + 1
            article_next = words[j] in _LAT_ARTICLES or (
                words[j] in _LAT_SUN_ARTICLES
                and j + 1 < n
                and words[j + 1].startswith(_LAT_SUN_ARTICLES[words[j]])
            )
            if article_next and j + 1 < n:
                j += 1
            rest = words[j]
            if word in _LAT_ABD_WEAK and rest not in DIVINE_NAMES and j == i + 1:
                tokens.append(_latin_word_token(word, pending_article))
                pending_article = False
                i += 1
                continue
            head = "abu" if word in _LAT_ABU else "abd"
            rest = "lah" if rest in _LAT_ALLAH else _strip_lat_article(rest)[0]
            tokens.append(NameToken(LATIN, (head, rest), pending_article))
            pending_article = False
            i = j + 1
            continue
        tokens.append(_latin_word_token(word, pending_article))
        pending_article = False
        i += 1
    return tokens


@lru_cache(maxsize=100_000)
def _latin_word_token(word: str, article: bool) -> NameToken:
    glued = _split_glued_abd(word)
    if glued is not None:
        return NameToken(LATIN, glued, article)
    for suffix in ("uddin", "eddine", "eddin", "addin", "iddin", "aldin", "eldin", "uldin"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            head, had = _strip_lat_article(word[: -len(suffix)])
            return NameToken(LATIN, (head, "din"), article or had)
    stripped, had = _strip_lat_article(word)
    return NameToken(LATIN, (stripped,), article or had)


@lru_cache(maxsize=200_000)
def tokenize(name: str) -> tuple[NameToken, ...]:
    """Normalized tokens of a full name, in the order written. Mixed scripts are allowed."""
    words = _split_words(name)
    tokens: list[NameToken] = []
    run: list[str] = []
    run_script = ""
    for script, word in words:
        if script != run_script and run:
            tokens.extend(_arabic_tokens(run) if run_script == ARABIC else _latin_tokens(run))
            run = []
        run_script = script
        run.append(word)
    if run:
        tokens.extend(_arabic_tokens(run) if run_script == ARABIC else _latin_tokens(run))
    return tuple(_intern(t) for t in tokens if t.key)


_INTERNED: dict[NameToken, NameToken] = {}


def _intern(token: NameToken) -> NameToken:
    """One object per distinct token, so that cache lookups hit on identity."""
    if len(_INTERNED) > 500_000:
        _INTERNED.clear()
    return _INTERNED.setdefault(token, token)


def normalize_name(name: str) -> str:
    """A readable normalized form: the tokens' keys joined by spaces."""
    return " ".join(t.key for t in tokenize(name))
