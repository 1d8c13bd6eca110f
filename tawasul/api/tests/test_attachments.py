"""Files on the referrals API's message threads (tawasul/api/attachments.py): the embassy
and the foundation send them (multipart) and download them through the page's access
check and audit; everyone else gets 404, a withheld person's files never reach the
embassy; bad files answer 400 naming the file, in the caller's language, with nothing
saved; the threads between centers take text only, as their pages do."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.fixtures import Settings

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services as case_services
from tawasul.cases.case_types import load_case_types
from tawasul.common.attachments import MAX_FILES
from tawasul.home.tests.helpers import log_in
from tawasul.people import services as people_services
from tawasul.people.models import Person, SafetyFlagKind
from tawasul.referrals import embassy_services
from tawasul.referrals.models import Referral, ReferralAttachment, ReferralEvent
from tawasul.referrals.tests.conftest import (
    case_type,
    give_consent,
    register_maria,
    send,
    submit,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/referrals/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00"
SCRIPT = "<script>alert('x')</script>"
ARABIC = re.compile(r"[\u0600-\u06FF]")


def messages_url(referral: Referral) -> str:
    return f"{LIST}{referral.pk}/messages/"


def pdf(name: str = "passport.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def post_files(client, referral: Referral, text: str, *files: SimpleUploadedFile, **extra):
    return client.post(messages_url(referral), {"text": text, "attachments": list(files)},
                       format="multipart", **extra)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def embassy_referral(world) -> Referral:
    load_case_types()
    return submit(world)


def test_the_embassy_sends_files_and_the_foundation_downloads_them_audited(
        world, as_user, embassy_referral: Referral, media: Path) -> None:
    response = post_files(as_user(world.consul_ph), embassy_referral, f"Her papers {SCRIPT}",
                          pdf(), SimpleUploadedFile("photo.png", PNG))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == f"Her papers {SCRIPT}"  # JSON carries it as data, never markup
    files = body["attachments"]
    assert [(f["original_filename"], f["content_type"], f["size"]) for f in files] == [
        ("passport.pdf", "application/pdf", len(PDF)), ("photo.png", "image/png", len(PNG))]
    for row in files:
        stored = ReferralAttachment.objects.get(pk=row["id"])
        assert row["download_url"] == f"{LIST}attachments/{stored.pk}/"
        assert not stored.stored_path.endswith(row["original_filename"])
    # The embassy reads its thread with the files, and the foundation downloads them.
    [message] = as_user(world.viewer_ph).get(f"{LIST}{embassy_referral.pk}/").json()["messages"]
    assert [f["id"] for f in message["attachments"]] == [f["id"] for f in files]
    for user in (world.intake, world.liaison, world.consul_ph, world.viewer_ph):
        response = as_user(user).get(files[0]["download_url"], HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200, user
        assert content_of(response) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert AuditEntry.objects.filter(action=AuditAction.READ, actor=user,
                                         object_id=files[0]["id"]).exists()
    # The page shows the text escaped.
    client = Client()
    log_in(client, world.intake)
    html = client.get(reverse("referrals:detail", args=[embassy_referral.pk])).content.decode()
    assert SCRIPT not in html and escape(SCRIPT) in html


def test_the_foundation_sends_files_the_embassy_downloads(world, as_user,
                                                         embassy_referral: Referral) -> None:
    response = post_files(as_user(world.intake), embassy_referral, "Please sign this",
                          pdf("form.pdf"))
    assert response.status_code == 201, response.content
    url = response.json()["attachments"][0]["download_url"]
    assert content_of(as_user(world.consul_ph).get(url)) == PDF


@pytest.mark.parametrize("name", ["consul_in", "protection_manager", "family_manager",
                                  "supervisor", "unesco_fp"])
def test_outside_scope_a_file_is_404_and_the_attempt_audited(
        world, as_user, embassy_referral: Referral, name: str) -> None:
    response = post_files(as_user(world.consul_ph), embassy_referral, "Scan", pdf())
    attachment_id = response.json()["attachments"][0]["id"]
    user = world.users[name]
    for target in (attachment_id, str(uuid.uuid4()), "not-an-id"):
        error = error_of(as_user(user).get(f"{LIST}attachments/{target}/"), 404)
        assert error["code"] == "not_found"
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user,
                                     object_id=attachment_id).exists()
    # Nor may they write on the thread, with or without a file.
    assert post_files(as_user(user), embassy_referral, "x", pdf()).status_code == 404
    assert ReferralAttachment.objects.count() == 1


def test_the_assigned_center_does_not_download_the_embassy_thread(
        world, as_user, embassy_referral: Referral) -> None:
    from tawasul.referrals.tests.conftest import assign_to_protection

    url = post_files(as_user(world.consul_ph), embassy_referral, "Scan",
                     pdf()).json()["attachments"][0]["download_url"]
    assign_to_protection(world, embassy_referral, register_maria(world))
    error_of(as_user(world.protection_manager).get(url), 404)


def test_a_withheld_persons_files_never_reach_the_embassy(
        world, as_user, embassy_referral: Referral, media: Path) -> None:
    foundation_url = post_files(as_user(world.intake), embassy_referral, "Your form",
                                pdf("form.pdf")).json()["attachments"][0]["download_url"]
    own_url = post_files(as_user(world.consul_ph), embassy_referral, "Her passport",
                         pdf()).json()["attachments"][0]["download_url"]
    maria: Person = register_maria(world)
    embassy_services.referral_link_person(actor=world.intake, referral=embassy_referral,
                                          person=maria)
    people_services.safety_flag_set(actor=world.protection_manager, person=maria,
                                    kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY)
    consul = as_user(world.consul_ph)
    error_of(consul.get(foundation_url), 404)
    assert content_of(consul.get(own_url)) == PDF  # its own, as the page shows it
    assert content_of(as_user(world.intake).get(foundation_url)) == PDF
    # Nothing more goes to the embassy, and a refused message leaves no file behind.
    files_before = stored_files(media)
    error = error_of(post_files(as_user(world.intake), embassy_referral, "More", pdf()), 400)
    assert error["code"] == "no_contact"
    assert stored_files(media) == files_before
    assert ReferralAttachment.objects.count() == 2


def _too_many() -> list[SimpleUploadedFile]:
    return [pdf(f"page{i}.pdf") for i in range(MAX_FILES + 1)]


@pytest.mark.parametrize(("files", "field", "code"), [
    (lambda: [pdf("scan.pdf", PDF + b"0" * 2048)], "attachments.0", "document_too_large"),
    (lambda: [pdf("form.pdf", EXECUTABLE)], "attachments.0", "document_executable"),
    (lambda: [pdf("empty.pdf", b"")], "attachments.0", "document_empty"),
    (lambda: [pdf("ok.pdf"), pdf("setup.pdf", EXECUTABLE)], "attachments.1",
     "document_executable"),
    (_too_many, "attachments", "too_many_files"),
])
def test_bad_files_answer_400_naming_the_file_and_nothing_is_saved(
        world, as_user, embassy_referral: Referral, settings: Settings, media: Path,
        files, field: str, code: str) -> None:
    settings.DOCUMENT_MAX_BYTES = 1024
    events_before = ReferralEvent.objects.count()
    error = error_of(post_files(as_user(world.consul_ph), embassy_referral, "Scan attached",
                                *files(), HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert error["code"] == code
    assert list(error["fields"]) == [field]
    assert ReferralEvent.objects.count() == events_before  # no half message
    assert not ReferralAttachment.objects.exists()
    assert stored_files(media) == []


def test_the_refusal_is_in_the_callers_language(world, as_user,
                                                embassy_referral: Referral) -> None:
    client = as_user(world.consul_ph)
    english = error_of(post_files(client, embassy_referral, "x", pdf("a.pdf", EXECUTABLE),
                                  HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert english["fields"]["attachments.0"] == [
        "This file is a program, not a document; it is refused whatever its name."]
    arabic = error_of(post_files(client, embassy_referral, "x", pdf("a.pdf", EXECUTABLE),
                                 HTTP_ACCEPT_LANGUAGE="ar"), 400)
    assert ARABIC.search(arabic["fields"]["attachments.0"][0])
    assert ARABIC.search(arabic["message"])


def test_text_only_messages_stay_json_and_files_only_come_as_files(
        world, as_user, embassy_referral: Referral) -> None:
    client = as_user(world.consul_ph)
    response = client.post(messages_url(embassy_referral), {"text": "Any news?"},
                           format="json")
    assert response.status_code == 201 and response.json()["attachments"] == []
    error = error_of(client.post(messages_url(embassy_referral),
                                 {"text": "x", "attachments": ["JVBERi0xLjQ="]},
                                 format="json"), 400)
    assert list(error["fields"]) == ["attachments.0"]
    error = error_of(client.post(messages_url(embassy_referral),
                                 {"text": "x", "attachment": pdf()}, format="multipart"), 400)
    assert list(error["fields"]) == ["attachment"]  # the field is `attachments`
    error = error_of(post_files(client, embassy_referral, "", pdf()), 400)
    assert list(error["fields"]) == ["text"]
    assert not ReferralAttachment.objects.exists()


def test_a_body_over_the_api_limit_is_read_for_its_files_and_refused_by_their_size(
        world, as_user, embassy_referral: Referral, settings: Settings,
        media: Path) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.DOCUMENT_MAX_BYTES = 4096
    client = as_user(world.consul_ph)
    # Larger than any other API body may be, within what the files allow: accepted.
    response = post_files(client, embassy_referral, "Two scans", pdf("a.pdf", PDF + b"0" * 3000),
                          pdf("b.pdf", PDF + b"1" * 3000))
    assert response.status_code == 201, response.content
    assert ReferralAttachment.objects.count() == 2
    # A file too large, the body still within what is read (its files dropped): 400.
    error = error_of(post_files(client, embassy_referral, "Big scan", pdf("small.pdf"),
                                pdf("big.pdf", PDF + b"0" * 30000),
                                HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert list(error["fields"]) == ["attachments.1"]
    assert error["code"] == "document_too_large"
    # Far beyond: 413 before anything is read.
    error = error_of(post_files(client, embassy_referral, "Huge",
                                pdf("huge.pdf", PDF + b"0" * 200_000)), 413)
    assert error["code"] == "request_too_large"
    assert ReferralAttachment.objects.count() == 2
    assert len(stored_files(media)) == 2


@pytest.fixture
def center_referral(world) -> Referral:
    """A referral between two centers: its thread takes text only, on the page too."""
    load_case_types()
    person = people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_latin="Maryam", family_name_latin="Al-Kuwari",
        date_of_birth=dt.date(2012, 3, 4), sex="female", nationality="QA")
    case = case_services.case_open(
        actor=world.protection_manager, center=world.protection, person=person,
        case_type=case_type("protection", "child-abuse"), risk_level="high")
    give_consent(world, person)
    return send(world, case)


def test_the_thread_between_centers_takes_text_only(world, as_user, center_referral: Referral,
                                                    media: Path) -> None:
    client = as_user(world.family_manager)
    error = error_of(post_files(client, center_referral, "Report", pdf()), 400)
    assert error["code"] == "attachments_not_accepted"
    assert list(error["fields"]) == ["attachments"]
    assert not ReferralEvent.objects.filter(referral=center_referral, kind="message").exists()
    assert stored_files(media) == []
    response = client.post(messages_url(center_referral), {"text": "When can she come?"},
                           format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["attachments"] == []


def test_the_schema_documents_files_on_messages_and_their_download(db) -> None:
    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    for base in ("/api/v1/referrals/", "/api/v1/coordination-requests/"):
        body = paths[f"{base}{{id}}/messages/"]["post"]["requestBody"]["content"]
        assert set(body) == {"application/json", "multipart/form-data"}
        upload = components[body["multipart/form-data"]["schema"]["$ref"].split("/")[-1]]
        assert upload["properties"]["attachments"]["items"] == {"type": "string",
                                                                "format": "binary"}
        assert "attachments" not in components[
            body["application/json"]["schema"]["$ref"].split("/")[-1]]["properties"]
        download = paths[f"{base}attachments/{{attachment_id}}/"]["get"]
        assert {"200", "404"} <= set(download["responses"])
    for name in ("ReferralAttachment", "Attachment"):
        assert set(components[name]["properties"]) == {
            "id", "original_filename", "content_type", "size", "download_url"}
