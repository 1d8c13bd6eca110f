"""The Arabic catalogue is complete, consistent with its source strings, and compiled.

Arabic is the default language: an entry left empty or fuzzy shows English to an Arabic
reader, and a placeholder lost in translation raises KeyError (or shows raw text) at run
time. The compiled .mo files are committed, so they must match the .po they come from.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LOCALE = Path(settings.BASE_DIR) / "locale"
AR_PO = LOCALE / "ar" / "LC_MESSAGES" / "django.po"
AR_MO = LOCALE / "ar" / "LC_MESSAGES" / "django.mo"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"

PYTHON_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """The entries of a PO file (obsolete `#~` entries left out), header included."""
    entries: list[Entry] = []
    current = Entry()
    started = False
    target: tuple[str, int] = ("", 0)

    def flush() -> None:
        nonlocal current, started
        if started:
            entries.append(current)
        current, started = Entry(), False

    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$")
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#"):
            if started:
                flush()
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif match := keyword.match(line):
            name, index, literal = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            # A new entry starts at its msgctxt, or at its msgid when it has no context.
            if started and (name == "msgctxt" or (name == "msgid" and target[0] != "msgctxt")):
                flush()
            if name == "msgctxt":
                current.msgctxt, target = literal, ("msgctxt", 0)
            elif name == "msgid":
                current.msgid, current.line, target = literal, number, ("msgid", 0)
            elif name == "msgid_plural":
                current.msgid_plural, target = literal, ("msgid_plural", 0)
            else:
                slot = int(index) if index else 0
                current.msgstr[slot], target = literal, ("msgstr", slot)
            started = True
        elif line.startswith('"'):
            literal = ast.literal_eval(line)
            if target[0] == "msgstr":
                current.msgstr[target[1]] += literal
            else:
                setattr(current, target[0], (getattr(current, target[0]) or "") + literal)
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    flush()
    return entries


def messages(path: Path) -> list[Entry]:
    return [entry for entry in parse_po(path) if entry.msgid != ""]


def where(entry: Entry) -> str:
    return f"{AR_PO.name}:{entry.line} {entry.msgid!r}"


def arabic_plural_count() -> int:
    header = next(entry for entry in parse_po(AR_PO) if entry.msgid == "")
    match = re.search(r"nplurals=(\d+)", header.msgstr[0])
    assert match, "the Arabic catalogue has no Plural-Forms header"
    return int(match.group(1))


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PYTHON_PLACEHOLDER.finditer(text)} | {
        "{" + name + "}" for name in BRACE_PLACEHOLDER.findall(text)
    }


def test_the_parser_sees_untranslated_and_fuzzy_entries(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr "Language: ar\\n"\n\n'
        'msgid "Done"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\nmsgid "Hello %(name)s"\nmsgstr "مرحبًا %(name)s"\n\n'
        'msgctxt "menu"\nmsgid "Open"\nmsgid_plural "Opens"\nmsgstr[0] "فتح"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "x"\n',
        encoding="utf-8",
    )
    done, hello, opened = messages(sample)
    assert (done.msgid, done.msgstr) == ("Done", {0: ""})
    assert "fuzzy" in hello.flags and hello.msgstr[0] == "مرحبًا %(name)s"
    assert (opened.msgctxt, opened.msgid_plural, opened.msgstr) == (
        "menu",
        "Opens",
        {0: "فتح", 1: ""},
    )


def test_arabic_plural_forms_are_the_six_of_gettext():
    assert arabic_plural_count() == 6


def test_every_arabic_entry_is_translated_and_checked():
    entries = messages(AR_PO)
    assert len(entries) > 100, "the Arabic catalogue looks empty: run scripts/messages.sh"
    plurals = arabic_plural_count()
    fuzzy = [where(e) for e in entries if "fuzzy" in e.flags]
    empty = [
        where(e)
        for e in entries
        if (len(e.msgstr) != (plurals if e.msgid_plural else 1)) or not all(e.msgstr.values())
    ]
    assert not fuzzy, "fuzzy Arabic entries (check them, then drop the flag):\n" + "\n".join(fuzzy)
    assert not empty, "untranslated Arabic entries:\n" + "\n".join(empty)


def test_arabic_keeps_every_placeholder_and_tag():
    problems = []
    for entry in messages(AR_PO):
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        expected = set().union(*(placeholders(s) for s in sources))
        tags = sorted(HTML_TAG.findall(entry.msgid))
        for slot, text in entry.msgstr.items():
            found = placeholders(text)
            missing = expected - found
            # Arabic says zero, one and two in words ("جهتان"), so those forms may leave out
            # the one placeholder that holds the count; every other one must still be there.
            counted_in_words = (
                entry.msgid_plural is not None
                and slot < 3
                and len(missing) == 1
                and next(iter(missing)).startswith("%(")
            )
            if found - expected or (missing and not counted_in_words):
                problems.append(
                    f"{where(entry)} msgstr[{slot}]: {sorted(found)} != {sorted(expected)}"
                )
            if sorted(HTML_TAG.findall(text)) != tags:
                problems.append(f"{where(entry)} msgstr[{slot}]: HTML tags differ")
    assert not problems, "\n".join(problems)


def test_english_catalogue_uses_the_source_strings():
    keyed = [e.msgid for e in messages(EN_PO) if any(e.msgstr.values())]
    assert messages(EN_PO), "the English catalogue is missing: run scripts/messages.sh"
    assert not keyed, f"English entries with a msgstr (source strings should be English): {keyed}"


def test_compiled_arabic_catalogue_matches_its_source():
    with AR_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in messages(AR_PO):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            if any(compiled.get((key, slot)) != text for slot, text in entry.msgstr.items()):
                stale.append(where(entry))
        elif compiled.get(key) != entry.msgstr[0]:
            stale.append(where(entry))
    assert not stale, "django.mo is out of date; run scripts/messages.sh --compile:\n" + "\n".join(
        stale[:20]
    )


@pytest.mark.parametrize(
    ("english", "arabic"),
    [
        ("Organizations", "الجهات"),
        ("Sign in", "تسجيل الدخول"),
        ("Audit trail", "سجل التدقيق"),
        ("Two-factor authentication", "المصادقة الثنائية"),
        ("Embassy", "السفارة"),
        ("Consular officer", "ضابط قنصلي"),
        ("Case manager", "أخصائي حالة"),
    ],
)
def test_key_interface_strings_are_arabic(english, arabic):
    with translation.override("ar"):
        assert _(english) == arabic
    with translation.override("en"):
        assert _(english) == english


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "لا توجد جهات"),
        (1, "جهة واحدة"),
        (2, "جهتان"),
        (7, "7 جهات"),
        (11, "11 جهة"),
        (100, "100 جهة"),
    ],
)
def test_arabic_plurals_follow_the_number(count, expected):
    with translation.override("ar"):
        text = ngettext("%(counter)s organization", "%(counter)s organizations", count)
    assert text % {"counter": count} == expected


@pytest.mark.django_db
def test_login_page_is_arabic_by_default(client):
    response = client.get("/accounts/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl"' in body
    assert "تسجيل الدخول إلى تواصل" in body
