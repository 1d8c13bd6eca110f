"""Steps that several browser tests take."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + reverse("account_login"))
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")


def expect_direction(page: Page, lang: str, direction: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", direction)


def switch_language(page: Page, code: str) -> None:
    switcher = page.locator(f"form[action='{reverse('set_language')}']")
    with page.expect_navigation():
        switcher.locator(f"button[name=language][value={code}]").click()
