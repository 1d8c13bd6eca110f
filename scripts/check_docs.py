#!/usr/bin/env python3
"""Check that the docs name only code that exists.

In docs/where-each-rule-lives.md and docs/architecture.md, a backticked path ending in
`.py` (relative to tawasul/) followed by backticked names claims that each name is in that
file: a test name must be defined there (`def test_...`), any other name must appear in it.
Backticked `manage.py` commands must exist as management commands. Exit status 1 lists
every claim that does not hold.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "docs" / "where-each-rule-lives.md", ROOT / "docs" / "architecture.md"]
TOKEN = re.compile(r"`([^`]+)`")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def claims(text: str) -> list[tuple[str, str]]:
    """(path, name) pairs: each backticked name after a backticked .py path, in one line."""
    found: list[tuple[str, str]] = []
    for line in text.splitlines():
        current = ""
        for token in TOKEN.findall(line):
            if token.endswith(".py") and "/" in token:
                current = token
                found.append((current, ""))
            elif current and NAME.match(token):
                found.append((current, token))
    return found


def commands() -> set[str]:
    return {p.stem for p in ROOT.glob("tawasul/*/management/commands/*.py")} - {"__init__"}


def main() -> int:
    problems: list[str] = []
    known_commands = commands()
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for path, name in claims(text):
            source = ROOT / "tawasul" / path
            if not source.is_file():
                problems.append(f"{doc.name}: no file tawasul/{path}")
                continue
            if not name:
                continue
            code = source.read_text(encoding="utf-8")
            if name.startswith("test_"):
                ok = re.search(rf"^def {name}\(", code, re.MULTILINE) is not None
            else:
                ok = re.search(rf"\b{name}\b", code) is not None
            if not ok:
                problems.append(f"{doc.name}: {name} not found in tawasul/{path}")
        for command in re.findall(
            r"`(?:manage\.py )?(verify_audit|seed_demo|issue_api_token|"
            r"run_worker|run_scheduler|run_background)`",
            text,
        ):
            if command not in known_commands:
                problems.append(f"{doc.name}: no management command {command}")
    for problem in problems:
        print(problem)
    print(f"check_docs: {'FAILED' if problems else 'ok'} ({len(problems)} problems)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
