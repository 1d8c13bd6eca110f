"""A request to an embassy, end to end, in Arabic: the protection center's case manager asks
the embassy of Nepal to trace a woman's family under her consent; the embassy sees only
what family tracing discloses, replies, and marks the request fulfilled; the case manager
reads the reply."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tawasul.accounts.models import User
from tawasul.cases import services as case_services
from tawasul.cases.models import Case, CaseType
from tawasul.coordination.models import CoordinationRequest, RequestStatus
from tawasul.organizations.models import Organization
from tawasul.people import services as people_services

from .helpers import expect_direction, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "browser-test-demo-password"
CASE_SUMMARY = "Escaped a recruitment agency that confined her for months"
HOME_TOWN = "Dharan, Sunsari district"
REPLY = "The district office in Sunsari has found her mother; she asks to be called."


@pytest.fixture
def demo_world(settings: Settings) -> None:
    # As under `make run`: the seeded demo users may skip two-factor set-up in demo mode.
    settings.DEMO_MODE = True
    call_command("seed_demo", password=DEMO_PASSWORD, quiet_logins=True)


@pytest.fixture
def case(demo_world: None) -> Case:
    """A Nepali woman at the protection center, with her consent to coordination with her
    embassy covering identity and family."""
    manager = User.objects.select_related("organization").get(username="protection.manager")
    center = manager.organization
    assert center is not None
    person = people_services.person_register(
        actor=manager, organization=center, given_name_latin="Anita",
        family_name_latin="Limbu", full_name_ar="أنيتا ليمبو",
        date_of_birth=dt.date(1997, 3, 8), sex="female", nationality="NP",
        languages=["ne"], phone="+97477001122",
        identifiers=[{"type": "passport", "value": "PA4455667", "issuing_country": "NP"}],
    )
    people_services.consent_record(
        actor=manager, person=person, purpose="coordination_with_embassy",
        recipients=[Organization.objects.get(code="embassy-np")],
        data_categories=["identity", "family"],
    )
    return case_services.case_open(
        actor=manager, center=center, person=person,
        case_type=CaseType.objects.get(domain="protection", code="trafficking"),
        risk_level="high", summary=CASE_SUMMARY,
    )


def sign_out(page: Page) -> None:
    page.locator("#user-menu-button").click()
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('account_logout')}'] button").click()


def test_family_tracing_request_is_answered_and_fulfilled(
    page: Page, live_server: LiveServer, case: Case
) -> None:
    base_url = live_server.url

    # --- The protection center's case manager asks the embassy ---------------------------
    log_in(page, base_url, "protection.manager", DEMO_PASSWORD)
    expect_direction(page, "ar", "rtl")
    page.goto(base_url + reverse("cases:detail", args=[case.pk]))
    with page.expect_navigation():
        page.locator(f"#coordination a[href='{reverse('coordination:new', args=[case.pk])}']"
                     ).click()
    embassy = Organization.objects.get(code="embassy-np")
    expect(page.locator("#id_embassy")).to_have_value(str(embassy.pk))
    page.locator("#id_request_type").select_option("family_tracing")
    # The page offers the home town and the consents that allow family tracing (htmx).
    expect(page.locator("#id_home_town")).to_be_visible()
    consent = page.locator("#consent-choice input[name=consent]")
    expect(consent).to_have_count(1)
    consent.check()
    page.locator("#id_home_town").fill(HOME_TOWN)
    page.locator("#id_message").fill("Anita asks to find her mother, last known in Dharan.")
    with page.expect_navigation():
        page.locator("#request-new-form button[type=submit]").click()
    request = CoordinationRequest.objects.get(person=case.person)
    assert request.status == RequestStatus.SENT
    assert page.url == base_url + reverse("coordination:detail", args=[request.pk])
    expect(page.locator("#disclosed")).to_contain_text(HOME_TOWN)
    sign_out(page)

    # --- The embassy of Nepal: only what family tracing discloses; it replies -----------
    log_in(page, base_url, "embassy.np", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator(f"header a[href='{reverse('coordination:list')}']").click()
    detail_url = reverse("coordination:detail", args=[request.pk])
    with page.expect_navigation():
        page.locator(f"table a[href='{detail_url}']").click()
    main = page.locator("main")
    expect(page.locator("#disclosed")).to_contain_text("Anita Limbu")
    expect(page.locator("#disclosed")).to_contain_text(HOME_TOWN)
    for hidden in (CASE_SUMMARY, case.reference, "+97477001122", "PA4455667"):
        expect(main).not_to_contain_text(hidden)
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('coordination:acknowledge', args=[request.pk])}'] "
                     "button").click()
    page.locator("#message-form textarea[name=text]").fill(REPLY)
    with page.expect_navigation():
        page.locator("#message-form button[type=submit]").click()
    expect(page.locator("#messages")).to_contain_text(REPLY)
    page.locator("#fulfil-form textarea[name=note]").fill("Family found; details sent by "
                                                         "message.")
    with page.expect_navigation():
        page.locator("#fulfil-form button[type=submit]").click()
    request.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED
    expect(page.locator(".request-status").first).to_be_visible()
    expect_direction(page, "ar", "rtl")
    sign_out(page)

    # --- The case manager reads the reply -------------------------------------------------
    log_in(page, base_url, "protection.manager", DEMO_PASSWORD)
    page.goto(base_url + detail_url)
    expect(page.locator("#messages")).to_contain_text(REPLY)
    page.goto(base_url + reverse("cases:detail", args=[case.pk]))
    expect(page.locator("#coordination")).to_contain_text(request.reference)
