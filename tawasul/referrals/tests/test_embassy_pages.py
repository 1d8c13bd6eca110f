"""The pages of referrals from embassies: the embassy's form, list and referral page; the
intake desk's queue and triage page; the center's page of an assignment; the thread
between the embassy and the foundation, with its files. Each from both sides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.fixtures import Settings

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people.models import Person
from tawasul.referrals import services
from tawasul.referrals.models import (
    Referral,
    ReferralAttachment,
    ReferralKind,
    ReferralStatus,
    SubmittedPerson,
)
from tawasul.referrals.tests.conftest import (
    EMBASSY_REASON,
    accept_assignment,
    assign_to_protection,
    submit,
)

pytestmark = pytest.mark.django_db
REASON_HTML = escape(EMBASSY_REASON)
NAME_AR = "ماريا سانتوس"  # the pages are in Arabic: names show in Arabic script first
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCRIPT = "<script>alert('x')</script>"
FORM = {
    "name_ar": "ماريا سانتوس", "name_en": "Maria Santos", "sex": "female",
    "date_of_birth": "1994-02-11", "nationality": "PH", "passport_number": "P7654321A",
    "phone": "+63 917 555 0101", "domain": "protection", "urgency": "urgent",
    "reason": EMBASSY_REASON,
}


def detail(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def html_of(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_the_consul_refers_a_national_through_the_form_in_arabic(
        client: Client, world: World) -> None:
    log_in(client, world.consul_ph)
    page = client.get(reverse("referrals:embassy_new"))
    assert page.status_code == 200
    assert 'lang="ar"' in page.content.decode() and 'dir="rtl"' in page.content.decode()
    assert page.context["form"]["nationality"].value() == "PH"
    response = client.post(reverse("referrals:embassy_new"), FORM)
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(referral)
    assert referral.kind == ReferralKind.EMBASSY_TO_FOUNDATION and referral.person is None
    html = html_of(client, detail(referral))
    assert referral.reference in html and "Maria Santos" in html and REASON_HTML in html
    html = html_of(client, reverse("referrals:embassy_list"))
    assert referral.reference in html and NAME_AR in html


@pytest.mark.parametrize(("change", "field"), [
    ({"nationality": "IN"}, "nationality"),
    ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
    ({"sex": "x"}, "sex"),
    ({"domain": "astrology"}, "domain"),
    ({"name_ar": "", "name_en": ""}, "name_ar"),
    ({"reason": ""}, "reason"),
    ({"phone": "call me"}, "phone"),
])
def test_the_form_names_the_field_and_keeps_what_was_typed(
        client: Client, world: World, change: dict[str, str], field: str) -> None:
    log_in(client, world.consul_ph)
    response = client.post(reverse("referrals:embassy_new"), {**FORM, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert "P7654321A" in html
    assert REASON_HTML in html or field == "reason"
    assert not Referral.objects.exists()


def test_viewers_read_but_neither_refer_nor_write(client: Client, world: World,
                                                  embassy_referral: Referral) -> None:
    log_in(client, world.viewer_ph)
    assert client.get(reverse("referrals:embassy_new")).status_code == 403
    assert client.post(reverse("referrals:embassy_new"), FORM).status_code == 403
    html = html_of(client, reverse("referrals:embassy_list"))
    assert embassy_referral.reference in html
    assert reverse("referrals:embassy_new") not in html
    response = client.get(detail(embassy_referral))
    assert response.status_code == 200 and "message_form" not in response.context
    thread = reverse("referrals:embassy_message", args=[embassy_referral.pk])
    assert client.post(thread, {"text": "hello"}).status_code == 403
    assert Referral.objects.count() == 1


@pytest.mark.parametrize("name", ["triage_link", "triage_register", "triage_match_again",
                                  "triage_assign", "triage_decline"])
@pytest.mark.parametrize("data", [{}, {"person": "not-an-id", "center": "x", "reason": ""}])
@pytest.mark.parametrize("who", ["consul_ph", "liaison"])
def test_who_sees_the_referral_but_may_not_triage_it_is_refused_before_the_form_is_read(
        client: Client, world: World, embassy_referral: Referral, name: str,
        data: dict[str, str], who: str) -> None:
    """Valid or not, a triage form from the referring embassy or a liaison officer (who
    both see the referral) is refused (403, audited), never a page with the form's errors;
    the intake desk's form is read."""
    url = reverse(f"referrals:{name}", args=[embassy_referral.pk])
    log_in(client, world.users[who])
    before = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED).count()
    assert client.post(url, data).status_code == 403
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED).count() == before + 1
    embassy_referral.refresh_from_db()
    assert embassy_referral.status == "submitted" and embassy_referral.assigned_center is None
    log_in(client, world.intake)
    assert client.post(url, data).status_code in (302, 400)


@pytest.mark.parametrize("username", ["consul_in", "supervisor", "analyst", "unesco_fp",
                                      "protection_manager", "protection_director"])
def test_everyone_else_gets_404(client: Client, world: World, embassy_referral: Referral,
                                username: str) -> None:
    log_in(client, world.users[username])
    assert client.get(detail(embassy_referral)).status_code == 404
    for name in ("triage_link", "triage_register", "triage_assign", "triage_decline",
                 "embassy_message"):
        assert client.post(reverse(f"referrals:{name}", args=[embassy_referral.pk]),
                           {"text": "x", "reason": "x"}).status_code == 404, name
    assert client.get(reverse("referrals:intake_desk")).status_code == 404
    if username != "consul_in":
        assert client.get(reverse("referrals:embassy_list")).status_code == 404
        assert client.get(reverse("referrals:embassy_new")).status_code == 404
    else:
        html = html_of(client, reverse("referrals:embassy_list"))
        assert embassy_referral.reference not in html


def test_the_embassy_page_shows_the_status_and_never_the_matches_or_the_case(
        client: Client, world: World, maria: Person, embassy_referral: Referral) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    services.referral_message_add(actor=world.protection_manager, referral=assignment,
                                  text="Internal: she disclosed abuse by her employer")
    accept_assignment(world, assignment)
    assignment.refresh_from_db()
    assert assignment.received_case is not None
    log_in(client, world.consul_ph)
    response = client.get(detail(embassy_referral))
    html = response.content.decode()
    assert response.context["view"].status == "accepted"
    assert 'data-status="accepted"' in html and 'data-status="under_review"' in html
    for secret in (maria.reference, assignment.reference, assignment.received_case.reference,
                   "disclosed abuse", "Please see her today", world.protection.name_ar,
                   world.protection.name_en):
        assert secret not in html, secret


def test_the_intake_desk_lists_the_queue_and_triages(
        client: Client, world: World, maria: Person, embassy_referral: Referral) -> None:
    log_in(client, world.intake)
    html = html_of(client, reverse("referrals:intake_desk"))
    assert embassy_referral.reference in html and NAME_AR in html
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.intake,
                                     reason__contains=str(embassy_referral.pk)).exists()
    html = html_of(client, detail(embassy_referral))
    assert maria.reference in html  # the match
    response = client.post(reverse("referrals:triage_link", args=[embassy_referral.pk]),
                           {"person": maria.pk})
    assert response.status_code == 302
    embassy_referral.refresh_from_db()
    assert embassy_referral.person == maria
    response = client.post(reverse("referrals:triage_assign", args=[embassy_referral.pk]),
                           {"center": world.protection.pk, "note": "Urgent: today"})
    assert response.status_code == 302
    embassy_referral.refresh_from_db()
    assert embassy_referral.assigned_center == world.protection
    html = html_of(client, reverse("referrals:intake_desk"))
    assert embassy_referral.reference not in html
    html = html_of(client, reverse("referrals:intake_desk") + "?show=all")
    assert embassy_referral.reference in html


def test_a_refused_action_shows_on_its_form(client: Client, world: World,
                                            embassy_referral: Referral) -> None:
    log_in(client, world.intake)
    response = client.post(reverse("referrals:triage_assign", args=[embassy_referral.pk]),
                           {"center": world.protection.pk, "note": "Keep this note"})
    assert response.status_code == 400
    assert response.context["assign_form"].non_field_errors()  # link the person first
    assert "Keep this note" in response.content.decode()
    response = client.post(reverse("referrals:triage_decline", args=[embassy_referral.pk]),
                           {"decline-reason": ""})
    assert response.status_code == 400
    embassy_referral.refresh_from_db()
    assert embassy_referral.status == ReferralStatus.SUBMITTED


def test_intake_registers_and_declines_through_the_page(client: Client, world: World,
                                                        embassy_referral: Referral) -> None:
    log_in(client, world.intake)
    response = client.post(reverse("referrals:triage_register", args=[embassy_referral.pk]))
    assert response.status_code == 302
    embassy_referral.refresh_from_db()
    assert embassy_referral.person is not None
    assert embassy_referral.person.registered_by_organization == world.foundation
    other = submit(world, urgency="routine", person={
        "name_en": "Jose Rizal", "sex": "male", "date_of_birth": "1980-06-19",
        "nationality": "PH"})
    response = client.post(reverse("referrals:triage_decline", args=[other.pk]),
                           {"decline-reason": "The foundation does not fund repatriation."})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == ReferralStatus.DECLINED
    log_in(client, world.consul_ph)
    html = html_of(client, detail(other))
    assert "The foundation does not fund repatriation." in html


def test_liaison_sees_the_list_without_names_and_the_thread(
        client: Client, world: World, embassy_referral: Referral) -> None:
    log_in(client, world.liaison)
    html = html_of(client, reverse("referrals:intake_desk"))
    assert embassy_referral.reference in html and NAME_AR not in html
    response = client.get(detail(embassy_referral))
    html = response.content.decode()
    assert response.status_code == 200
    assert NAME_AR not in html and "Maria Santos" not in html
    assert REASON_HTML not in html and "message_form" in response.context
    assert response.context["matches"] == []


def test_the_center_sees_where_the_assignment_comes_from_and_hands_it_back(
        client: Client, world: World, maria: Person, embassy_referral: Referral) -> None:
    assignment = assign_to_protection(world, embassy_referral, maria)
    log_in(client, world.protection_manager)
    response = client.get(detail(assignment))
    html = response.content.decode()
    assert response.context["origin"] == world.embassy_ph
    assert "decline_form" in response.context and REASON_HTML in html
    response = client.post(reverse("referrals:decline", args=[assignment.pk]),
                           {"decline-reason": "Refer her to the family center"})
    assert response.status_code == 302
    embassy_referral.refresh_from_db()
    assert embassy_referral.assigned_center is None
    log_in(client, world.intake)
    html = html_of(client, detail(embassy_referral))
    assert "Refer her to the family center" in html
    response = client.post(reverse("referrals:withdraw", args=[assignment.pk]),
                           {"withdraw-reason": "x"})
    assert response.status_code == 400  # no longer submitted


def test_messages_are_escaped_and_files_checked_stored_and_downloads_audited(
        client: Client, world: World, embassy_referral: Referral, settings: Settings,
        tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    log_in(client, world.consul_ph)
    url = reverse("referrals:embassy_message", args=[embassy_referral.pk])
    response = client.post(url, {"text": f"Her passport {SCRIPT}",
                                 "attachment": SimpleUploadedFile("passport.pdf", PDF)})
    assert response.status_code == 302
    attachment = ReferralAttachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert not attachment.stored_path.endswith("passport.pdf")
    assert (tmp_path / attachment.stored_path).read_bytes() == PDF
    log_in(client, world.intake)
    html = html_of(client, detail(embassy_referral))
    assert SCRIPT not in html and "&lt;script&gt;" in html
    download = reverse("referrals:attachment", args=[attachment.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.intake,
                                     object_id=str(attachment.pk)).exists()
    for name in ("consul_in", "protection_manager", "supervisor"):
        log_in(client, world.users[name])
        assert client.get(download).status_code == 404, name


def test_oversized_and_executable_files_are_refused(
        client: Client, world: World, embassy_referral: Referral, settings: Settings,
        tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.DOCUMENT_MAX_BYTES = 1024
    log_in(client, world.consul_ph)
    url = reverse("referrals:embassy_message", args=[embassy_referral.pk])
    response = client.post(url, {"text": "Scan attached", "attachment": SimpleUploadedFile(
        "scan.pdf", PDF + b"0" * 2048)})
    assert response.status_code == 400
    assert "attachment" in response.context["message_form"].errors
    assert "Scan attached" in response.content.decode()
    response = client.post(url, {"text": "Program", "attachment": SimpleUploadedFile(
        "form.pdf", b"MZ\x90\x00")})
    assert response.status_code == 400
    assert not ReferralAttachment.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_the_navigation_leads_each_side_to_its_page(client: Client, world: World) -> None:
    cases: list[tuple[str, Any]] = [
        ("consul_ph", reverse("referrals:embassy_list")),
        ("viewer_ph", reverse("referrals:embassy_list")),
        ("intake", reverse("referrals:intake_desk")),
        ("liaison", reverse("referrals:intake_desk")),
    ]
    for username, url in cases:
        log_in(client, world.users[username])
        assert f'href="{url}"' in html_of(client, reverse("home")), username
    log_in(client, world.supervisor)
    html = html_of(client, reverse("home"))
    assert reverse("referrals:intake_desk") not in html
    assert reverse("referrals:embassy_list") not in html


def test_submitted_person_is_kept_even_without_a_passport(client: Client,
                                                         world: World) -> None:
    log_in(client, world.consul_ph)
    response = client.post(reverse("referrals:embassy_new"),
                           {**FORM, "passport_number": "", "phone": ""})
    assert response.status_code == 302
    submitted = SubmittedPerson.objects.get()
    assert submitted.passport_number == "" and submitted.phone == ""


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_list_pages_queries_do_not_grow_with_their_rows(
        client: Client, world: World, maria: Person) -> None:
    def add(n: int, *, assign_one: bool = False) -> None:
        for i in range(n):
            referral = submit(world, person={"name_en": f"Person {i}", "sex": "female",
                                             "date_of_birth": "1990-01-01",
                                             "nationality": "PH"})
            if assign_one and i == 0:
                assign_to_protection(world, referral, maria)
    add(2, assign_one=True)
    log_in(client, world.consul_ph)
    embassy_few = _queries(client, reverse("referrals:embassy_list"))
    log_in(client, world.intake)
    queue_few = _queries(client, reverse("referrals:intake_desk"))
    all_few = _queries(client, reverse("referrals:intake_desk") + "?show=all")
    add(6)
    log_in(client, world.consul_ph)
    assert _queries(client, reverse("referrals:embassy_list")) == embassy_few
    log_in(client, world.intake)
    assert _queries(client, reverse("referrals:intake_desk")) == queue_few
    assert _queries(client, reverse("referrals:intake_desk") + "?show=all") == all_few
