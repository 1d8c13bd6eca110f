"""Attachments of the correspondence log: checked by content and size on the way in (the
same checks as case documents), stored outside the web root under a random name, served
only after the access check, every download audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import documents
from tawasul.common.errors import DomainError
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.network.models import Correspondence
from tawasul.network.services import correspondence_update
from tawasul.network.tests.conftest import PDF_BYTES, SUBJECT, pdf, record

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00" + b"\0" * 100


def form_data(**extra: object) -> dict[str, object]:
    return {"direction": "incoming", "channel": "note_verbale", "occurred_on": "2026-01-05",
            "subject": SUBJECT, "summary": "", "reference_number": "", **extra}


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_upload_through_the_page_is_stored_outside_the_web_root(client: Client, world: World,
                                                                media: Path) -> None:
    log_in(client, world.liaison)
    url = reverse("network:correspondence_create", args=[world.embassy_ph.pk])
    response = client.post(url, form_data(attachment=pdf("../../etc/مذكرة شفوية.pdf")))
    entry = Correspondence.objects.get()
    assert response.status_code == 302
    assert (entry.attachment_name, entry.attachment_content_type) == ("مذكرة شفوية.pdf",
                                                                      documents.PDF)
    assert entry.attachment_path.startswith("network/") and "مذكرة" not in entry.attachment_path
    assert (media / entry.attachment_path).read_bytes() == PDF_BYTES
    assert entry.attachment_size == len(PDF_BYTES)
    create = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(entry.pk))
    assert "attachment_path" in create.fields and "مذكرة" not in create.reason
    # No URL serves the media directory.
    assert client.get(f"/media/{entry.attachment_path}").status_code == 404


@pytest.mark.parametrize("username", ["liaison", "admin"])
def test_keepers_download_and_each_download_is_audited(client: Client, world: World,
                                                       entry: Correspondence,
                                                       username: str) -> None:
    log_in(client, world.users[username])
    response = client.get(reverse("network:correspondence_attachment", args=[entry.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(entry.pk),
                                     fields=["attachment"], actor_username=username).exists()


@pytest.mark.parametrize("username", ["consul_ph", "viewer_ph", "consul_in", "intake",
                                      "protection_staff", "supervisor"])
def test_nobody_else_downloads(client: Client, world: World, entry: Correspondence,
                               username: str) -> None:
    log_in(client, world.users[username])
    response = client.get(reverse("network:correspondence_attachment", args=[entry.pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.READ,
                                         fields=["attachment"]).exists()


def test_an_executable_renamed_pdf_is_refused_on_the_page(client: Client, world: World,
                                                          media: Path) -> None:
    log_in(client, world.liaison)
    url = reverse("network:correspondence_create", args=[world.embassy_ph.pk])
    response = client.post(url, form_data(attachment=pdf("note.pdf", EXECUTABLE)))
    assert response.status_code == 400
    assert response.context["form"].errors["attachment"]
    assert SUBJECT in response.content.decode()  # what was typed is kept
    assert not Correspondence.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_file_is_refused(world: World, settings, media: Path) -> None:
    settings.DOCUMENT_MAX_BYTES = 20
    with pytest.raises(DomainError) as raised:
        record(world, attachment=pdf("big.pdf", PDF_BYTES))
    assert (raised.value.code, raised.value.field) == ("document_too_large", "attachment")
    with pytest.raises(DomainError) as raised:
        record(world, attachment=SimpleUploadedFile("empty.txt", b""))
    assert raised.value.code == "document_empty"
    assert not Correspondence.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_upload_on_the_page_keeps_the_form(client: Client, world: World,
                                                        settings, media: Path) -> None:
    """A body larger than the request limit reaches the page without the file's bytes
    (tawasul.common.uploads), which is then refused by its size, on its own form."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    settings.DOCUMENT_MAX_BYTES = 1000
    log_in(client, world.liaison)
    url = reverse("network:correspondence_create", args=[world.embassy_ph.pk])
    big = pdf("big.pdf", PDF_BYTES + b"0" * 3000)
    response = client.post(url, form_data(attachment=big))
    assert response.status_code == 400
    assert response.context["form"].errors["attachment"]
    assert SUBJECT in response.content.decode()
    assert not Correspondence.objects.exists()
    assert stored_files(media) == []


def test_replacing_and_removing_the_attachment(world: World, entry: Correspondence,
                                               media: Path,
                                               django_capture_on_commit_callbacks) -> None:
    old = media / entry.attachment_path
    fields: dict[str, Any] = {"direction": entry.direction, "channel": entry.channel,
              "occurred_on": entry.occurred_on, "subject": entry.subject}
    text = b"Minutes of the meeting\n"
    with django_capture_on_commit_callbacks(execute=True):
        updated = correspondence_update(
            actor=world.liaison, entry=entry,
            attachment=SimpleUploadedFile("minutes.txt", text), **fields)
    assert updated.attachment_content_type == documents.TEXT
    assert (media / updated.attachment_path).read_bytes() == text
    assert not old.exists()
    with django_capture_on_commit_callbacks(execute=True):
        removed = correspondence_update(actor=world.liaison, entry=updated,
                                        remove_attachment=True, **fields)
    assert not removed.has_attachment and removed.attachment_size is None
    assert stored_files(media) == []
    change = AuditEntry.objects.filter(action=AuditAction.UPDATE,
                                       object_id=str(entry.pk)).first()
    assert change is not None and "attachment_path" in change.fields


def test_a_refused_replacement_keeps_the_old_attachment(world: World, entry: Correspondence,
                                                        media: Path) -> None:
    with pytest.raises(DomainError):
        correspondence_update(actor=world.liaison, entry=entry, direction="incoming",
                              channel="letter", occurred_on=entry.occurred_on,
                              subject="Changed", attachment=pdf("x.pdf", EXECUTABLE))
    entry.refresh_from_db()
    assert entry.subject == SUBJECT and (media / entry.attachment_path).exists()
    assert stored_files(media) == [media / entry.attachment_path]


def test_no_attachment_is_a_404(client: Client, world: World) -> None:
    plain = record(world)
    log_in(client, world.liaison)
    assert client.get(reverse("network:correspondence_attachment", args=[plain.pk])
                      ).status_code == 404
