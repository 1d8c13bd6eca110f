"""Browser tests: Debian's Chromium, headless, driven by Playwright against `live_server`.

Playwright cannot download its own browser on these machines, so the tests use
/usr/bin/chromium (TAWASUL_CHROMIUM overrides the path). Without it they are skipped with the
reason, unless TAWASUL_REQUIRE_BROWSER=1 (set by .ci/run), which turns the skip into an error
so that CI never passes without having run them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Page, Request

CHROMIUM = os.environ.get("TAWASUL_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
# Without these, Chromium spends its start-up reaching for Google's hosts, which this closed
# network refuses.
QUIET_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
]


def chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if chromium_available():
        return
    if os.environ.get("TAWASUL_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"TAWASUL_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM} "
            "(Debian: apt-get install chromium)"
        )
    skip = pytest.mark.skip(
        reason=f"no Chromium at {CHROMIUM}: install Debian's `chromium` to run the browser tests"
    )
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *QUIET_FLAGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # An English-language browser: pages are Arabic first whatever the browser asks for,
    # until the person chooses with the switcher. A desktop viewport, so that the
    # screenshots show the whole navigation.
    return {
        **browser_context_args,
        "locale": "en-US",
        "viewport": {"width": 1280, "height": 860},
    }


@pytest.fixture
def page(page: Page) -> Page:
    # Generous, but far below pytest's patience: a missing element fails in seconds, not minutes.
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(20_000)
    return page


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    def take(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def requested_hosts(page: Page) -> Iterator[set[str]]:
    """The hosts of every request the page makes (data: and blob: URLs have none)."""
    hosts: set[str] = set()

    def record(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"}:
            hosts.add(parts.hostname or "")

    page.on("request", record)
    yield hosts
