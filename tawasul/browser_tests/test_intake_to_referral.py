"""The centers' daily work across two centers, in Arabic: a worker types the Latin name of
a person the registry holds in Arabic script, is shown that person, opens a case on the
existing record, refers it to another center, and that center accepts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tawasul.accounts.models import User
from tawasul.cases.models import Case, CaseType
from tawasul.organizations.models import Organization
from tawasul.people.models import Person
from tawasul.people.services import person_register
from tawasul.referrals.models import Referral, ReferralStatus

from .helpers import expect_direction, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "browser-test-demo-password"


@pytest.fixture
def demo_world(settings: Settings) -> None:
    # As under `make run`: the seeded demo users may skip two-factor set-up in demo mode.
    settings.DEMO_MODE = True
    call_command("seed_demo", password=DEMO_PASSWORD, quiet_logins=True)


@pytest.fixture
def arabic_record(demo_world: None) -> Person:
    """A person registered by the protection center in Arabic script only."""
    manager = User.objects.select_related("organization").get(username="protection.manager")
    assert manager.organization is not None
    return person_register(
        actor=manager, organization=manager.organization, given_name_ar="عبد الرحمن",
        father_name_ar="محمد", family_name_ar="الكواري", date_of_birth=dt.date(2011, 9, 20),
        sex="male", nationality="QA",
    )


def sign_out(page: Page) -> None:
    page.locator("#user-menu-button").click()
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('account_logout')}'] button").click()


def test_latin_intake_finds_the_arabic_record_and_the_referral_is_accepted(
    page: Page,
    live_server: LiveServer,
    arabic_record: Person,
    screenshot: Callable[[Page, str], Path],
) -> None:
    base_url = live_server.url
    family = Organization.objects.get(code="center-family")

    # --- The protection center's case manager, at intake ------------------------------
    log_in(page, base_url, "protection.manager", DEMO_PASSWORD)
    expect_direction(page, "ar", "rtl")
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('people:register')}']").first.click()
    page.locator("#id_given_name_latin").fill("Abdulrahman")
    page.locator("#id_father_name_latin").fill("Mohammed")
    page.locator("#id_family_name_latin").fill("Al-Kuwari")
    page.locator("#id_date_of_birth").fill("2011-01-01")
    page.locator("#id_dob_is_estimated").check()

    open_case_url = reverse("cases:open", args=[arabic_record.pk])
    suggestion = page.locator("#suggestions .suggestion").filter(
        has=page.locator(f"a[href='{open_case_url}']"))
    expect(suggestion).to_be_visible()
    expect(suggestion).to_contain_text(arabic_record.reference)
    expect(suggestion.locator(".suggestion-reasons li").first).to_be_visible()
    page.evaluate("document.fonts.ready")
    screenshot(page, "intake-suggestion-ar.png")

    # "Use this person: open a case": no second record.
    with page.expect_navigation():
        suggestion.locator(f"a[href='{open_case_url}']").click()
    case_type = CaseType.objects.filter(domain="protection", is_active=True).order_by("code")[0]
    page.locator("#id_case_type").select_option(str(case_type.pk))
    page.locator("#id_risk_level").select_option("medium")
    with page.expect_navigation():
        page.locator("form:has(#id_case_type) button[type=submit]").click()
    case = Case.objects.get(person=arabic_record)
    assert page.url == base_url + reverse("cases:detail", args=[case.pk])
    assert Person.objects.filter(family_name_latin="Al-Kuwari",
                                 given_name_latin="Abdulrahman").count() == 0

    # --- Refer it to the family center --------------------------------------------------
    with page.expect_navigation():
        page.locator(f"#referrals a[href='{reverse('referrals:send', args=[case.pk])}']").click()
    page.locator("#id_to_center").select_option(str(family.pk))
    page.locator("#id_urgency").select_option("urgent")
    page.locator("#id_reason").fill("The family needs counselling alongside protection work.")
    with page.expect_navigation():
        page.locator("#referral-send-form button[type=submit]").click()
    referral = Referral.objects.get(person=arabic_record, to_organization=family)
    assert page.url == base_url + reverse("referrals:detail", args=[referral.pk])
    expect(page.locator("main")).to_contain_text(referral.reference)
    sign_out(page)

    # --- The family center's case manager accepts ------------------------------------
    log_in(page, base_url, "family.manager", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('referrals:inbox')}']").first.click()
    detail_url = reverse("referrals:detail", args=[referral.pk])
    with page.expect_navigation():
        page.locator(f"table a[href='{detail_url}']").click()
    family_type = CaseType.objects.filter(domain="family", is_active=True).order_by("code")[0]
    accept = page.locator("#accept")
    accept.locator("#id_case_type").select_option(str(family_type.pk))
    with page.expect_navigation():
        accept.locator("button[type=submit]").click()

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    received = referral.received_case
    assert received is not None
    assert (received.center_id, received.person_id) == (family.pk, arabic_record.pk)
    banner = page.locator("#received-case")
    expect(banner).to_contain_text(received.reference)
    expect_direction(page, "ar", "rtl")
    page.evaluate("document.fonts.ready")
    screenshot(page, "referral-accepted-ar.png")

    with page.expect_navigation():
        banner.locator(f"a[href='{reverse('cases:detail', args=[received.pk])}']").click()
    expect(page.locator("main")).to_contain_text(received.reference)
    expect(page.locator("#referrals")).to_contain_text(referral.reference)
