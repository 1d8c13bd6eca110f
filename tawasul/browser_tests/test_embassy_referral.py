"""A referral from an embassy, end to end, in Arabic: the Philippine embassy's consular
officer refers a national through the embassy's form, the foundation's intake desk
registers the person and assigns the referral to the protection center, the center's
case manager accepts it (opening the center's case), and the embassy then sees its
referral accepted, and nothing of the case, the person's record or the center."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tawasul.cases.models import Case, CaseType
from tawasul.organizations.models import Organization
from tawasul.referrals.models import Referral, ReferralKind, ReferralStatus, SubmittedPerson

from .helpers import expect_direction, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "browser-test-demo-password"
NAME_AR = "ماري جوي باوتيستا"
NAME_EN = "Mary Joy Bautista"
REASON = "اتصلت بالسفارة بعد أن غادرت منزل صاحب العمل، وتطلب مأوى آمنًا ومساعدة قانونية."


@pytest.fixture
def demo_world(settings: Settings) -> None:
    # As under `make run`: the seeded demo users may skip two-factor set-up in demo mode.
    settings.DEMO_MODE = True
    call_command("seed_demo", password=DEMO_PASSWORD, quiet_logins=True)


def sign_out(page: Page) -> None:
    page.locator("#user-menu-button").click()
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('account_logout')}'] button").click()


def test_an_embassy_referral_is_assigned_accepted_and_the_embassy_sees_only_its_status(
    page: Page,
    live_server: LiveServer,
    demo_world: None,
    screenshot: Callable[[Page, str], Path],
) -> None:
    base_url = live_server.url
    protection = Organization.objects.get(code="center-protection")

    # --- The embassy refers a national, in Arabic ---------------------------------------
    log_in(page, base_url, "embassy.ph", DEMO_PASSWORD)
    expect_direction(page, "ar", "rtl")
    with page.expect_navigation():
        page.locator(f"nav a[href='{reverse('referrals:embassy_list')}']").first.click()
    with page.expect_navigation():
        page.locator("#new-referral").click()
    form = page.locator("#embassy-referral-form")
    expect(form.locator("#id_nationality")).to_have_value("PH")
    form.locator("#id_name_ar").fill(NAME_AR)
    form.locator("#id_name_en").fill(NAME_EN)
    form.locator("#id_sex").select_option("female")
    form.locator("#id_date_of_birth").fill("1996-04-18")
    form.locator("#id_phone").fill("+974 5512 3456")
    form.locator("#id_domain").select_option("protection")
    form.locator("#id_urgency").select_option("urgent")
    form.locator("#id_reason").fill(REASON)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    submitted = SubmittedPerson.objects.select_related("referral").get(name_en=NAME_EN)
    referral = submitted.referral
    assert (referral.kind, referral.status, referral.person) == (
        ReferralKind.EMBASSY_TO_FOUNDATION, ReferralStatus.SUBMITTED, None)
    assert referral.reference.startswith("TW-") and submitted.name_ar == NAME_AR
    detail_url = reverse("referrals:detail", args=[referral.pk])
    assert page.url == base_url + detail_url
    expect(page.locator("main h1")).to_contain_text(referral.reference)
    expect(page.locator("main .embassy-status").first).to_have_attribute("data-status",
                                                                         "submitted")
    expect_direction(page, "ar", "rtl")
    page.evaluate("document.fonts.ready")
    screenshot(page, "embassy-referral-flow-sent-ar.png")
    sign_out(page)

    # --- The intake desk registers the person and assigns the referral -------------------
    log_in(page, base_url, "intake", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator(f"nav a[href='{reverse('referrals:intake_desk')}']").first.click()
    with page.expect_navigation():
        page.locator(f"#intake-queue a[href='{detail_url}']").click()
    expect(page.locator("#submitted")).to_contain_text(NAME_EN)
    with page.expect_navigation():
        page.locator("#register-person").click()
    referral.refresh_from_db()
    assert referral.person is not None
    expect(page.locator("#linked-person")).to_contain_text(referral.person.reference)
    assign = page.locator("#assign")
    assign.locator("#id_center").select_option(str(protection.pk))
    assign.locator("#id_note").fill("حالة عاجلة: يرجى التواصل معها اليوم.")
    with page.expect_navigation():
        assign.locator("button[type=submit]").click()
    assignment = Referral.objects.get(parent=referral)
    assert assignment.to_organization == protection
    sign_out(page)

    # --- The protection center accepts -------------------------------------------------
    log_in(page, base_url, "protection.manager", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator(f"nav a[href='{reverse('referrals:inbox')}']").first.click()
    assignment_url = reverse("referrals:detail", args=[assignment.pk])
    with page.expect_navigation():
        page.locator(f"table a[href='{assignment_url}']").click()
    expect(page.locator("#origin")).to_be_visible()
    case_type = CaseType.objects.get(domain="protection", code="domestic-violence")
    accept = page.locator("#accept")
    accept.locator("#id_case_type").select_option(str(case_type.pk))
    with page.expect_navigation():
        accept.locator("button[type=submit]").click()
    assignment.refresh_from_db()
    case = assignment.received_case
    assert isinstance(case, Case)
    assert (case.center, case.person) == (protection, referral.person)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    sign_out(page)

    # --- The embassy sees the new status, and nothing of the case ----------------------
    log_in(page, base_url, "embassy.ph", DEMO_PASSWORD)
    page.goto(base_url + detail_url)
    expect(page.locator("main .embassy-status").first).to_have_attribute("data-status",
                                                                         "accepted")
    steps = page.locator(".embassy-timeline li")
    expect(steps).to_have_count(3)
    main = page.locator("main")
    for hidden in (case.reference, assignment.reference, referral.person.reference,
                   protection.name_ar, protection.name_en, case_type.name_ar,
                   "يرجى التواصل معها اليوم"):
        expect(main).not_to_contain_text(hidden)
    expect(main).to_contain_text(NAME_AR)
    expect_direction(page, "ar", "rtl")
    page.evaluate("document.fonts.ready")
    screenshot(page, "embassy-referral-flow-accepted-ar.png")
