"""The pages: the case page's section, asking an embassy, the director's approval, the
lists, the request page of each side, messages with attachments, and their downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases.models import Case
from tawasul.common.testing import World
from tawasul.coordination.models import (
    CoordinationRequest,
    RequestAttachment,
    RequestStatus,
)
from tawasul.coordination.tests.conftest import (
    CASE_NOTE,
    CASE_SUMMARY,
    HOME_TOWN,
    MESSAGE,
    ask,
)
from tawasul.home.tests.helpers import log_in
from tawasul.people import services as people_services
from tawasul.people.models import Consent, Person, SafetyFlagKind

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCRIPT = "<script>alert('x')</script><b>bold</b>"


def _detail(req: CoordinationRequest) -> str:
    return reverse("coordination:detail", args=[req.pk])


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _new(case: Case) -> str:
    return reverse("coordination:new", args=[case.pk])


# --- The case page and asking -----------------------------------------------------------------


def test_the_case_page_lists_the_requests_and_offers_to_ask(
    client: Client, world: World, request_sent: CoordinationRequest
) -> None:
    log_in(client, world.protection_manager)
    html = _page(client, reverse("cases:detail", args=[request_sent.case.pk]))
    assert 'id="coordination"' in html and request_sent.reference in html
    assert _new(request_sent.case) in html


def test_asking_the_embassy_from_the_page(client: Client, world: World, case: Case,
                                          consent: Consent) -> None:
    log_in(client, world.protection_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _page(client, _new(case) + "?request_type=family_tracing")
    # The embassy of her country is preselected; the consent that allows it is offered.
    assert f'value="{world.embassy_ph.pk}" selected' in html
    assert str(consent.pk) in html and "What the embassy will be sent" in html
    response = client.post(_new(case), {
        "request_type": "family_tracing", "embassy": world.embassy_ph.pk,
        "urgency": "urgent", "home_town": HOME_TOWN, "basis": "consent",
        "consent": consent.pk, "message": MESSAGE,
    })
    request = CoordinationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(request)
    assert request.status == RequestStatus.SENT and request.urgency == "urgent"


def test_bad_input_keeps_what_was_typed(client: Client, world: World, case: Case,
                                        consent: Consent) -> None:
    log_in(client, world.protection_manager)
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(_new(case), {
        "request_type": "family_tracing", "embassy": world.embassy_ph.pk,
        "urgency": "routine", "home_town": HOME_TOWN, "basis": "consent",
        "consent": consent.pk, "due_at": past, "message": "Typed with care",
    })
    assert response.status_code == 400
    assert "due_at" in response.context["form"].errors
    assert "Typed with care" in response.content.decode()
    # Without a consent chosen and no legal ground: a clear error on the field.
    response = client.post(_new(case), {
        "request_type": "family_tracing", "embassy": world.embassy_ph.pk,
        "urgency": "routine", "home_town": HOME_TOWN, "basis": "consent",
    })
    assert response.status_code == 400 and "consent" in response.context["form"].errors
    assert not CoordinationRequest.objects.exists()


def test_a_flagged_person_gets_a_clear_refusal_and_no_form(
    client: Client, world: World, case: Case, person: Person, consent: Consent
) -> None:
    people_services.safety_flag_set(actor=world.protection_manager, person=person,
                                    kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    log_in(client, world.protection_manager)
    html = _page(client, _new(case))
    assert 'id="no-contact-refusal"' in html and 'id="request-new-form"' not in html
    response = client.post(_new(case), {
        "request_type": "family_tracing", "embassy": world.embassy_ph.pk,
        "urgency": "routine", "home_town": HOME_TOWN, "basis": "consent",
        "consent": consent.pk,
    })
    assert response.status_code == 400
    assert not CoordinationRequest.objects.exists()


@pytest.mark.parametrize(("name", "status"), [("protection_staff", 403),
                                              ("family_manager", 404), ("consul_ph", 404),
                                              ("intake", 404), ("supervisor", 404)])
def test_who_may_not_ask(client: Client, world: World, case: Case, name: str,
                         status: int) -> None:
    log_in(client, world.users[name])
    assert client.get(_new(case)).status_code == status


# --- The director's approval --------------------------------------------------------------------


def test_the_director_approves_a_legal_ground_on_the_page(client: Client, world: World,
                                                          case: Case) -> None:
    request = ask(world, case, legal_ground="Court order 12/2026")
    log_in(client, world.protection_manager)
    assert client.get(reverse("coordination:approvals")).status_code == 404
    assert client.post(reverse("coordination:approve", args=[request.pk])).status_code == 403
    log_in(client, world.protection_director)
    html = _page(client, reverse("coordination:approvals"))
    assert request.reference in html and "Court order 12/2026" in html
    assert 'id="approval"' in _page(client, _detail(request))
    response = client.post(reverse("coordination:approve", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.SENT


# --- The request page, each side ----------------------------------------------------------------


def test_the_embassy_page_shows_the_minimum_fields_and_no_case(
    client: Client, world: World, request_sent: CoordinationRequest
) -> None:
    log_in(client, world.consul_ph)
    html = _page(client, _detail(request_sent))
    for shown in ("Liza Mendoza", "ليزا ميندوزا", HOME_TOWN, MESSAGE, request_sent.reference):
        assert shown in html, shown
    for hidden in (CASE_SUMMARY, CASE_NOTE, request_sent.case.reference, "Trafficking",
                   "+97466001122", "Al Sadd", world.protection.name_en,
                   world.protection.name_ar, world.protection_manager.username):
        assert hidden not in html, hidden
    assert 'id="answer"' in html  # a consular officer may answer
    log_in(client, world.viewer_ph)
    html = _page(client, _detail(request_sent))
    assert "Liza Mendoza" in html and 'id="answer"' not in html


@pytest.mark.parametrize("name", ["consul_in", "family_manager", "intake", "supervisor",
                                  "analyst", "unesco_fp", "protection_staff"])
def test_the_request_page_is_404_outside_scope(client: Client, world: World,
                                               request_sent: CoordinationRequest,
                                               name: str) -> None:
    log_in(client, world.users[name])
    assert client.get(_detail(request_sent)).status_code == 404
    assert client.post(reverse("coordination:acknowledge",
                               args=[request_sent.pk])).status_code == 404


def test_liaison_sees_metadata_and_escalations_not_the_case(
    client: Client, world: World, request_sent: CoordinationRequest
) -> None:
    services_message = "From the center about her family"
    from tawasul.coordination import services

    services.message_add(actor=world.protection_manager, request=request_sent,
                         text=services_message)
    log_in(client, world.liaison)
    html = _page(client, _detail(request_sent))
    assert request_sent.reference in html and world.embassy_ph.name in html
    for hidden in ("Liza", "ليزا", HOME_TOWN, MESSAGE, services_message, CASE_SUMMARY,
                   CASE_NOTE, request_sent.case.reference):
        assert hidden not in html, hidden
    listing = _page(client, reverse("coordination:list") + "?overdue=on")
    assert request_sent.reference not in listing
    CoordinationRequest.objects.filter(pk=request_sent.pk).update(
        due_at=timezone.now() - dt.timedelta(days=1))
    listing = _page(client, reverse("coordination:list") + "?overdue=on")
    assert request_sent.reference in listing and "Liza" not in listing


def test_the_lists_of_each_side(client: Client, world: World,
                                request_sent: CoordinationRequest) -> None:
    url = reverse("coordination:list")
    log_in(client, world.consul_ph)
    assert request_sent.reference in _page(client, url)
    assert request_sent.reference not in _page(client, url + "?status=fulfilled")
    log_in(client, world.consul_in)
    assert request_sent.reference not in _page(client, url)
    log_in(client, world.protection_manager)
    assert "ليزا ميندوزا" in _page(client, url)
    for name in ("intake", "supervisor", "analyst", "unesco_fp"):
        log_in(client, world.users[name])
        assert client.get(url).status_code == 404, name


def test_the_embassy_answers_on_the_page(client: Client, world: World,
                                         request_sent: CoordinationRequest) -> None:
    log_in(client, world.consul_ph)
    client.post(reverse("coordination:acknowledge", args=[request_sent.pk]))
    response = client.post(reverse("coordination:decline", args=[request_sent.pk]),
                           {"decline-reason": ""})
    assert response.status_code == 400
    client.post(reverse("coordination:fulfil", args=[request_sent.pk]),
                {"note": "Mother found"})
    request_sent.refresh_from_db()
    assert request_sent.status == RequestStatus.FULFILLED
    log_in(client, world.protection_manager)
    assert "Mother found" in _page(client, _detail(request_sent))


# --- Messages and attachments --------------------------------------------------------------------


def test_html_in_a_message_is_shown_escaped(client: Client, world: World,
                                            request_sent: CoordinationRequest) -> None:
    log_in(client, world.consul_ph)
    response = client.post(reverse("coordination:message", args=[request_sent.pk]),
                           {"text": SCRIPT})
    assert response.status_code == 302
    for name in ("consul_ph", "protection_manager"):
        log_in(client, world.users[name])
        html = _page(client, _detail(request_sent))
        assert SCRIPT not in html and "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_an_attachment_is_checked_stored_and_downloaded_audited(
    client: Client, world: World, request_sent: CoordinationRequest, settings: object,
    tmp_path: object,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    log_in(client, world.protection_manager)
    url = reverse("coordination:message", args=[request_sent.pk])
    response = client.post(url, {"text": "Her birth certificate",
                                 "attachment": SimpleUploadedFile("birth.pdf", PDF)})
    assert response.status_code == 302
    attachment = RequestAttachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert not attachment.stored_path.endswith("birth.pdf")  # a random name
    log_in(client, world.consul_ph)
    download = reverse("coordination:attachment_download", args=[attachment.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.consul_ph,
                                     object_id=str(attachment.pk)).exists()
    for name in ("consul_in", "liaison", "intake"):
        log_in(client, world.users[name])
        assert client.get(download).status_code == 404, name


def test_oversized_and_executable_attachments_are_refused(
    client: Client, world: World, request_sent: CoordinationRequest, settings: object,
    tmp_path: object,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    settings.DOCUMENT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    log_in(client, world.consul_ph)
    url = reverse("coordination:message", args=[request_sent.pk])
    response = client.post(url, {"text": "Scan attached",
                                 "attachment": SimpleUploadedFile("scan.pdf",
                                                                  PDF + b"0" * 2048)})
    assert response.status_code == 400
    assert "attachment" in response.context["message_form"].errors
    assert "Scan attached" in response.content.decode()
    response = client.post(url, {"text": "Program",
                                 "attachment": SimpleUploadedFile("form.pdf", b"MZ\x90\x00")})
    assert response.status_code == 400
    assert not RequestAttachment.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))  # type: ignore[attr-defined]


def test_a_notification_links_to_the_request(client: Client, world: World,
                                             request_sent: CoordinationRequest) -> None:
    log_in(client, world.consul_ph)
    html = _page(client, reverse("notifications:list"))
    assert request_sent.reference in html
    assert "Liza" not in html and MESSAGE not in html
    [notification] = world.consul_ph.notifications.all()
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == _detail(request_sent)


@pytest.mark.parametrize("who", ["protection_manager", "consul_ph", "liaison"])
def test_the_list_pages_queries_do_not_grow_with_their_rows(
        client: Client, world: World, catalog: None, who: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tawasul.cases import services as case_services
    from tawasul.cases.models import CaseType
    from tawasul.coordination.tests.conftest import ask, give_consent

    def send(n: int) -> None:
        for _ in range(n):
            number = CoordinationRequest.objects.count()
            person = people_services.person_register(
                actor=world.protection_manager, organization=world.protection,
                identifiers=[{"type": "passport", "value": f"P{number:07d}",
                              "issuing_country": "PH"}],
                given_name_latin=f"Name{number}", family_name_latin="Test",
                full_name_ar=f"اسم{number}", date_of_birth=dt.date(1990, 1, 1 + number),
                sex="female", nationality="PH")
            opened = case_services.case_open(
                actor=world.protection_manager, center=world.protection, person=person,
                case_type=CaseType.objects.get(domain="protection", code="trafficking"),
                risk_level="high")
            ask(world, opened, consent=give_consent(world, person))

    log_in(client, getattr(world, who, None) or world.users[who])
    url = reverse("coordination:list")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    send(2)
    few = count()
    send(5)
    assert CoordinationRequest.objects.count() == 7
    assert count() == few
