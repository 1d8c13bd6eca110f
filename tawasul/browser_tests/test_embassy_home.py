"""An embassy officer's first visit, in Arabic then in English, as `make run` serves it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tawasul.accounts.models import User

from .helpers import expect_direction, log_in, switch_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "browser-test-demo-password"


@pytest.fixture
def demo_world(settings: Settings) -> None:
    # As under `make run`: the seeded demo users may skip two-factor set-up in demo mode.
    settings.DEMO_MODE = True
    call_command("seed_demo", password=DEMO_PASSWORD, quiet_logins=True)


def test_embassy_officer_logs_in_in_arabic_and_switches_to_english(
    page: Page,
    live_server: LiveServer,
    demo_world: None,
    screenshot: Callable[[Page, str], Path],
) -> None:
    base_url = live_server.url
    embassy = User.objects.select_related("organization").get(username="embassy.ph").organization
    assert embassy is not None

    page.goto(base_url + reverse("account_login"))
    expect_direction(page, "ar", "rtl")
    page.evaluate("document.fonts.ready")
    screenshot(page, "login-ar.png")

    log_in(page, base_url, "embassy.ph", DEMO_PASSWORD)
    assert page.url == base_url + reverse("home")
    expect_direction(page, "ar", "rtl")
    main = page.locator("main")
    expect(main).to_contain_text(embassy.name_ar)
    page.evaluate("document.fonts.ready")
    screenshot(page, "home-embassy-ar.png")

    switch_language(page, "en")
    expect_direction(page, "en", "ltr")
    assert page.url == base_url + reverse("home")
    expect(page.locator("main")).to_contain_text(embassy.name_en)
    page.evaluate("document.fonts.ready")
    screenshot(page, "home-embassy-en.png")

    # The choice sticks: the next page is English too.
    page.goto(base_url + reverse("home"))
    expect_direction(page, "en", "ltr")
