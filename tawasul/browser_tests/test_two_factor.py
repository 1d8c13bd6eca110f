"""Outside demo mode, a role that reads personal data cannot work before setting up 2FA."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tawasul.accounts.roles import Role
from tawasul.common.testing import PASSWORD, World, make_user

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_manager_without_two_factor_is_sent_to_set_it_up(
    page: Page, live_server: LiveServer, world: World, settings: Settings
) -> None:
    settings.DEMO_MODE = False
    make_user("new_manager", world.protection, Role.CASE_MANAGER, two_factor=False)
    setup_url = live_server.url + reverse("mfa_activate_totp")

    log_in(page, live_server.url, "new_manager", PASSWORD)
    reauthenticate_url = live_server.url + reverse("account_reauthenticate")
    if page.url.startswith(reauthenticate_url):
        # allauth asks for the password again before an authenticator is added.
        assert "next=" + quote(reverse("mfa_activate_totp"), safe="") in page.url
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("input[name=password]").press("Enter")
    assert page.url == setup_url
    expect(page.locator("input[name=code]")).to_be_visible()

    # Typing the address of the home page does not get around it.
    page.goto(live_server.url + reverse("home"))
    assert page.url == setup_url


def test_supervisor_without_personal_data_needs_no_two_factor(
    page: Page, live_server: LiveServer, world: World, settings: Settings
) -> None:
    settings.DEMO_MODE = False

    log_in(page, live_server.url, "supervisor", PASSWORD)
    assert page.url == live_server.url + reverse("home")
