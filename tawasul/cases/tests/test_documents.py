"""Case documents: checked by content and size on the way in, served only through the
case's access check on the way out, every download audited."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import documents
from tawasul.cases.models import Case, CaseDocument, CaseEvent, CaseEventKind
from tawasul.common.errors import DomainError, PermissionDenied

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_upload_stores_under_a_random_name_with_an_event_and_audit(world, restricted_case,
                                                                   media):
    doc = documents.document_upload(
        actor=world.protection_manager, case=restricted_case,
        file=upload("../../etc/تقرير طبي.pdf", PDF_BYTES), title="Medical report",
    )
    assert doc.content_type == documents.PDF
    assert doc.size == len(PDF_BYTES)
    assert doc.original_filename == "تقرير طبي.pdf"
    assert "تقرير" not in doc.stored_path and doc.stored_path.startswith("documents/")
    stored = Path(media) / doc.stored_path
    assert stored.read_bytes() == PDF_BYTES
    assert CaseEvent.objects.filter(case=restricted_case, kind=CaseEventKind.DOCUMENT).exists()
    entry = AuditEntry.objects.get(object_id=str(doc.pk), action=AuditAction.CREATE)
    assert "Medical report" not in entry.reason and "title" in entry.fields


@pytest.mark.parametrize("name, data, expected", [
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, documents.PNG),
    ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 20, documents.JPEG),
    ("letter.docx", None, documents.DOCX),
    ("notes.txt", "ملاحظات الزيارة\nVisit notes\n".encode(), documents.TEXT),
])
def test_accepted_formats_are_recognised_by_content(world, restricted_case, name, data,
                                                    expected):
    doc = documents.document_upload(actor=world.protection_manager, case=restricted_case,
                                    file=upload(name, data or docx_bytes()), title="")
    assert doc.content_type == expected
    assert doc.title == name


@pytest.mark.parametrize("data", [b"MZ\x90\x00" + b"\0" * 100, b"\x7fELF\x02\x01\x01" + b"\0" * 60])
def test_an_executable_renamed_pdf_is_refused(world, restricted_case, media, data):
    with pytest.raises(DomainError) as raised:
        documents.document_upload(actor=world.protection_manager, case=restricted_case,
                                  file=upload("invoice.pdf", data), title="Invoice")
    assert raised.value.code == "document_executable"
    assert raised.value.field == "file"
    assert not CaseDocument.objects.exists()
    assert not any(Path(media).rglob("*.*"))


def test_other_binary_and_plain_zip_are_refused(world, restricted_case):
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("payload.js", "x")
    for name, data in (("a.pdf", b"\x00\x01\x02binary"), ("b.docx", zipped.getvalue())):
        with pytest.raises(DomainError) as raised:
            documents.document_upload(actor=world.protection_manager, case=restricted_case,
                                      file=upload(name, data))
        assert raised.value.code == "document_type"


def test_an_oversized_file_is_refused(world, restricted_case, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(DomainError) as raised:
        documents.document_upload(actor=world.protection_manager, case=restricted_case,
                                  file=upload("big.pdf", PDF_BYTES + b"0" * 1024))
    assert raised.value.code == "document_too_large"
    assert not CaseDocument.objects.exists()
    # At the limit it is accepted: the check is not off by one.
    documents.document_upload(actor=world.protection_manager, case=restricted_case,
                              file=upload("ok.pdf", PDF_BYTES + b"0" * (1024 - len(PDF_BYTES))))


def test_someone_off_a_restricted_case_cannot_upload(world, restricted_case):
    with pytest.raises(PermissionDenied):
        documents.document_upload(actor=world.protection_staff, case=restricted_case,
                                  file=upload("a.pdf", PDF_BYTES))


@pytest.fixture
def document(world, restricted_case: Case) -> CaseDocument:
    return documents.document_upload(actor=world.protection_manager, case=restricted_case,
                                     file=upload("report.pdf", PDF_BYTES), title="Report")


def url(document: CaseDocument) -> str:
    return reverse("cases:document_download", args=[document.pk])


def test_a_team_member_downloads_and_the_download_is_audited(client, world, document):
    client.force_login(world.protection_manager)
    before = AuditEntry.objects.filter(action=AuditAction.READ,
                                       object_type="cases.casedocument").count()
    response = client.get(url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    reads = AuditEntry.objects.filter(action=AuditAction.READ,
                                      object_type="cases.casedocument",
                                      object_id=str(document.pk))
    assert reads.count() == before + 1
    assert reads.get().actor == world.protection_manager


@pytest.mark.parametrize("username", ["family_manager", "family_director", "supervisor",
                                      "admin", "consul_ph"])
def test_outside_the_center_the_document_does_not_exist(client, world, document, username):
    client.force_login(world.users[username])
    response = client.get(url(document))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.READ,
                                         object_type="cases.casedocument").exists()
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.users[username]).exists()


def test_restricted_case_needs_a_reason_for_someone_off_the_team(client, world, document):
    client.force_login(world.protection_staff)
    assert client.get(url(document)).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.READ,
                                         object_type="cases.casedocument").exists()
    response = client.get(url(document), {"reason": "Court hearing this morning"})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.protection_staff,
                                     object_type="cases.casedocument").count() == 1


def test_anonymous_is_sent_to_sign_in(client, document):
    response = client.get(url(document))
    assert response.status_code == 302


def test_filename_is_cleaned():
    assert documents.clean_filename("..\\..\\a<b>|c.pdf") == "a_b_c.pdf"
    assert documents.clean_filename("") == "document"
