"""Files on a request's thread in the API (`/api/v1/coordination-requests/`): the
requesting center's case managers and the embassy send them (multipart) and download
them through the page's access check and audit, a message from the center logged as a
disclosure with its files; another center, another embassy and the foundation get 404;
once the request is withdrawn the embassy no longer downloads the center's files; bad
files answer 400 naming the file, with nothing saved."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tawasul.api.tests.conftest import bearer, issue
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.attachments import MAX_FILES
from tawasul.common.testing import World
from tawasul.coordination import services
from tawasul.coordination.models import (
    CoordinationRequest,
    Disclosure,
    RequestAttachment,
    RequestEvent,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/coordination-requests/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00"
SCRIPT = "<script>alert('x')</script>"


def client_of(user: object) -> APIClient:
    return bearer(issue(user))


def pdf(name: str = "birth.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def post_files(user: object, req: CoordinationRequest, text: str,
               *files: SimpleUploadedFile, **extra: Any) -> Any:
    return client_of(user).post(f"{URL}{req.pk}/messages/",
                                {"text": text, "attachments": list(files)},
                                format="multipart", **extra)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_center_sends_files_the_embassy_downloads_them_audited(
        world: World, request_sent: CoordinationRequest) -> None:
    disclosures = Disclosure.objects.count()
    response = post_files(world.protection_manager, request_sent, f"Her papers {SCRIPT}",
                          pdf(), pdf("passport.pdf"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == f"Her papers {SCRIPT}" and body["side"] == "center"
    assert [(f["original_filename"], f["content_type"], f["size"])
            for f in body["attachments"]] == [("birth.pdf", "application/pdf", len(PDF)),
                                              ("passport.pdf", "application/pdf", len(PDF))]
    # A message from the center is a disclosure, logged with its files.
    assert Disclosure.objects.count() == disclosures + 1
    assert "attachment" in Disclosure.objects.latest("disclosed_at").fields
    url = body["attachments"][0]["download_url"]
    assert url == f"{URL}attachments/{body['attachments'][0]['id']}/"
    for user in (world.consul_ph, world.viewer_ph, world.protection_manager):
        response = client_of(user).get(url, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        assert response["Content-Disposition"].startswith("attachment")
        assert AuditEntry.objects.filter(action=AuditAction.READ, actor=user,
                                         object_id=body["attachments"][0]["id"]).exists()
    # The embassy's thread lists the files.
    thread = client_of(world.consul_ph).get(f"{URL}{request_sent.pk}/messages/").json()
    [message] = [e for e in thread["results"] if e["kind"] == "message"]
    assert message["attachments"][0]["download_url"] == url


def test_the_embassy_sends_a_file_the_center_downloads(
        world: World, request_sent: CoordinationRequest) -> None:
    response = post_files(world.consul_ph, request_sent, "Her mother's address", pdf("a.pdf"))
    assert response.status_code == 201, response.content
    url = response.json()["attachments"][0]["download_url"]
    assert client_of(world.protection_manager).get(url).status_code == 200


@pytest.mark.parametrize("name", ["consul_in", "family_manager", "protection_staff",
                                  "liaison", "intake", "supervisor", "unesco_fp"])
def test_outside_scope_a_file_is_404(world: World, request_sent: CoordinationRequest,
                                     name: str) -> None:
    attachment_id = post_files(world.consul_ph, request_sent, "Scan",
                               pdf()).json()["attachments"][0]["id"]
    user = world.users[name]
    for target in (attachment_id, str(uuid.uuid4())):
        response = client_of(user).get(f"{URL}attachments/{target}/")
        assert response.status_code == 404, (name, target)
        assert response.json()["error"]["code"] == "not_found"
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user).exists()
    # Nor may they write on the thread (liaison officers see the request's metadata: 403).
    expected = 403 if name == "liaison" else 404
    assert post_files(user, request_sent, "x", pdf()).status_code == expected
    assert RequestAttachment.objects.count() == 1


def test_once_withdrawn_the_embassy_no_longer_downloads_the_centers_files(
        world: World, request_sent: CoordinationRequest) -> None:
    url = post_files(world.protection_manager, request_sent, "Papers",
                     pdf()).json()["attachments"][0]["download_url"]
    services.request_withdraw(actor=world.protection_manager, request=request_sent,
                              reason="She changed her mind")
    assert client_of(world.consul_ph).get(url).status_code == 404
    assert client_of(world.protection_manager).get(url).status_code == 200


@pytest.mark.parametrize(("files", "field", "code"), [
    (lambda: [pdf("scan.pdf", PDF + b"0" * 2048)], "attachments.0", "document_too_large"),
    (lambda: [pdf("form.pdf", EXECUTABLE)], "attachments.0", "document_executable"),
    (lambda: [pdf("ok.pdf"), pdf("setup.pdf", EXECUTABLE)], "attachments.1",
     "document_executable"),
    (lambda: [pdf(f"page{i}.pdf") for i in range(MAX_FILES + 1)], "attachments",
     "too_many_files"),
])
def test_bad_files_answer_400_naming_the_file_and_nothing_is_saved(
        world: World, request_sent: CoordinationRequest, settings: Settings, media: Path,
        files, field: str, code: str) -> None:
    settings.DOCUMENT_MAX_BYTES = 1024
    events, disclosures = RequestEvent.objects.count(), Disclosure.objects.count()
    response = post_files(world.protection_manager, request_sent, "Scan attached", *files(),
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code and list(error["fields"]) == [field]
    assert RequestEvent.objects.count() == events  # no half message
    assert Disclosure.objects.count() == disclosures
    assert not RequestAttachment.objects.exists()
    assert stored_files(media) == []
