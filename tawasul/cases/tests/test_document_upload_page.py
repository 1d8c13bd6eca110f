"""Adding a document from the case page: who may, what is refused and how it is shown,
and the request-size limits that let a document of the allowed size through."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services
from tawasul.cases.models import Case, CaseDocument, CaseEvent, CaseEventKind
from tawasul.cases.tests.conftest import case_type
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people.models import Person

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def standard_protection_case(world: World, catalog: None, person: Person) -> Case:
    return services.case_open(
        actor=world.protection_director, center=world.protection, person=person,
        case_type=case_type("protection", "child-abuse"), risk_level="medium",
        assigned_manager=world.protection_manager, is_restricted=False,
    )


def upload_url(case: Case) -> str:
    return reverse("cases:upload_document", args=[case.pk])


def post(client: Client, case: Case, data: bytes = PDF_BYTES, name: str = "report.pdf",
         title: str = "Medical report", **extra: Any) -> Any:
    return client.post(upload_url(case), {"title": title,
                                          "file": SimpleUploadedFile(name, data)}, **extra)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


# --- Who may -------------------------------------------------------------------------


def test_the_case_page_offers_the_form_to_who_may_add(client: Client, world: World,
                                                      restricted_case: Case) -> None:
    log_in(client, world.protection_manager)
    html = client.get(reverse("cases:detail", args=[restricted_case.pk])).content.decode()
    assert f'action="{upload_url(restricted_case)}"' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize("username", ["protection_manager", "protection_director",
                                      "protection_staff"])
def test_the_team_the_manager_and_the_director_upload(client: Client, world: World,
                                                      restricted_case: Case,
                                                      username: str, media: Path) -> None:
    """The restricted case's assigned manager, the director, and a staff member once on
    its team."""
    if username == "protection_staff":
        services.case_team_add(actor=world.protection_manager, case=restricted_case,
                               user=world.protection_staff)
    log_in(client, world.users[username])
    response = post(client, restricted_case)
    assert response.status_code == 302
    assert response["Location"].endswith("#documents")
    document = CaseDocument.objects.get(case=restricted_case)
    assert document.uploaded_by == world.users[username]
    assert (media / document.stored_path).read_bytes() == PDF_BYTES


def test_any_staff_of_the_center_uploads_to_a_standard_case(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    log_in(client, world.protection_staff)
    assert post(client, standard_protection_case).status_code == 302
    assert CaseDocument.objects.filter(case=standard_protection_case).count() == 1


def test_staff_off_a_restricted_case_may_not_upload(client: Client, world: World,
                                                    restricted_case: Case,
                                                    media: Path) -> None:
    log_in(client, world.protection_staff)
    assert post(client, restricted_case).status_code == 403
    assert not CaseDocument.objects.exists() and not stored_files(media)


@pytest.mark.parametrize("username", ["family_manager", "family_director", "intake",
                                      "supervisor", "consul_ph", "admin"])
def test_outside_the_center_the_upload_is_404(client: Client, world: World,
                                              standard_protection_case: Case,
                                              username: str, media: Path) -> None:
    """Another center's manager and director, the foundation's intake and administrators,
    the ministry, an embassy."""
    log_in(client, world.users[username])
    assert post(client, standard_protection_case).status_code == 404
    assert not CaseDocument.objects.exists() and not stored_files(media)


def test_anonymous_is_sent_to_sign_in(client: Client, standard_protection_case: Case) -> None:
    response = post(client, standard_protection_case)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not CaseDocument.objects.exists()


def test_get_is_not_allowed(client: Client, world: World,
                            standard_protection_case: Case) -> None:
    log_in(client, world.protection_manager)
    assert client.get(upload_url(standard_protection_case)).status_code == 405


# --- The good file -------------------------------------------------------------------


def test_a_good_file_is_listed_on_the_case_page_and_downloads(
    client: Client, world: World, standard_protection_case: Case
) -> None:
    case = standard_protection_case
    log_in(client, world.protection_manager)
    response = post(client, case, title="تقرير طبي", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "تقرير طبي" in str(next(iter(response.context["messages"])))
    document = CaseDocument.objects.get(case=case)
    download = reverse("cases:document_download", args=[document.pk])
    assert f'href="{download}"' in html
    assert response.context["documents"] == [document]
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.DOCUMENT,
                                    text="تقرير طبي").exists()

    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(document.pk),
                                     actor=world.protection_manager).exists()


def test_without_a_title_the_file_name_is_the_title(client: Client, world: World,
                                                    standard_protection_case: Case) -> None:
    log_in(client, world.protection_manager)
    assert post(client, standard_protection_case, title="", name="scan.pdf"
                ).status_code == 302
    assert CaseDocument.objects.get().title == "scan.pdf"


def test_someone_who_broke_the_glass_sees_the_documents_but_no_form(
    client: Client, world: World, restricted_case: Case
) -> None:
    """Each download asks for a reason again (it is a new break of the glass)."""
    from tawasul.cases import documents

    document = documents.document_upload(
        actor=world.protection_manager, case=restricted_case,
        file=SimpleUploadedFile("a.pdf", PDF_BYTES), title="Report")
    download = reverse("cases:document_download", args=[document.pk])
    log_in(client, world.protection_staff)
    response = client.post(reverse("cases:break_glass", args=[restricted_case.pk]),
                           {"reason": "Urgent call from the school about the child"})
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["documents"] == [document]
    assert f'<form method="get" action="{download}"' in html
    assert f'href="{download}"' not in html
    assert upload_url(restricted_case) not in html
    # The team sees a plain link.
    log_in(client, world.protection_manager)
    html = client.get(reverse("cases:detail", args=[restricted_case.pk])).content.decode()
    assert f'href="{download}"' in html and f'action="{download}"' not in html


# --- Bad files -----------------------------------------------------------------------


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.js", "x")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, arabic, english", [
    ("invoice.pdf", b"MZ\x90\x00" + b"\0" * 100, "هذا الملف برنامج",
     "This file is a program"),
    ("archive.docx", zip_bytes(), "نوع الملف هذا غير مقبول", "This type of file is not accepted"),
    ("photo.pdf", b"\x00\x01\x02binary", "نوع الملف هذا غير مقبول",
     "This type of file is not accepted"),
    ("empty.pdf", b"", "الملف فارغ", "The file is empty."),
])
def test_a_refused_file_is_a_field_error_in_the_users_language_with_the_title_kept(
    client: Client, world: World, standard_protection_case: Case, media: Path,
    name: str, data: bytes, arabic: str, english: str,
) -> None:
    log_in(client, world.protection_manager)
    for language, expected in (("ar", arabic), ("en", english)):
        client.cookies["django_language"] = language
        response = post(client, standard_protection_case, data=data, name=name,
                        title="Kept title")
        assert response.status_code == 400
        form = response.context["document_form"]
        assert list(form.errors) == ["file"]
        html = response.content.decode()
        assert expected in html
        assert 'value="Kept title"' in html
    assert not CaseDocument.objects.exists() and not stored_files(media)


def test_no_file_at_all_is_a_field_error(client: Client, world: World,
                                         standard_protection_case: Case) -> None:
    log_in(client, world.protection_manager)
    response = client.post(upload_url(standard_protection_case), {"title": "Kept title"})
    assert response.status_code == 400
    assert list(response.context["document_form"].errors) == ["file"]
    assert 'value="Kept title"' in response.content.decode()


# --- Sizes ---------------------------------------------------------------------------


@pytest.fixture
def small_limits(settings: Any) -> None:
    """Bodies of other pages up to 1 000 bytes, documents up to 4 000."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.DOCUMENT_MAX_BYTES = 4000


def test_a_document_larger_than_other_bodies_but_within_its_limit_is_accepted(
    client: Client, world: World, standard_protection_case: Case, small_limits: None,
    media: Path,
) -> None:
    log_in(client, world.protection_manager)
    data = PDF_BYTES + b"0" * (4000 - len(PDF_BYTES))
    response = post(client, standard_protection_case, data=data)
    assert response.status_code == 302
    assert (media / CaseDocument.objects.get().stored_path).read_bytes() == data
    # Other pages keep the ordinary limit.
    response = client.post(reverse("cases:add_note", args=[standard_protection_case.pk]),
                           {"kind": "note", "text": "x" * 2000})
    assert response.status_code == 413


@pytest.mark.parametrize("size", [4001, 6000, 15_000])
def test_an_oversized_file_is_a_field_error_on_the_case_page(
    client: Client, world: World, standard_protection_case: Case, small_limits: None,
    media: Path, size: int,
) -> None:
    """Just over the limit (the body fits), over the body allowance (the file is read and
    dropped, never stored): the same field error, the title kept."""
    log_in(client, world.protection_manager)
    for language, expected in (("ar", "حجم الملف يتجاوز"), ("en", "The file is larger than")):
        client.cookies["django_language"] = language
        response = post(client, standard_protection_case, data=PDF_BYTES + b"0" * size,
                        title="Kept title")
        assert response.status_code == 400
        assert list(response.context["document_form"].errors) == ["file"]
        html = response.content.decode()
        assert expected in html and 'value="Kept title"' in html
    assert not CaseDocument.objects.exists() and not stored_files(media)


def test_a_body_far_beyond_the_allowance_gets_a_page_not_a_bare_413(
    client: Client, world: World, standard_protection_case: Case, small_limits: None,
) -> None:
    log_in(client, world.protection_manager)
    case_page = "http://testserver" + reverse("cases:detail", args=[standard_protection_case.pk])
    for language, direction in (("ar", "rtl"), ("en", "ltr")):
        client.cookies["django_language"] = language
        response = post(client, standard_protection_case, data=PDF_BYTES + b"0" * 100_000,
                        HTTP_REFERER=case_page)
        assert response.status_code == 413
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html
        assert f'href="{case_page}"' in html
    assert "The file is too large" in html
    # A referrer elsewhere is not followed.
    response = post(client, standard_protection_case, data=PDF_BYTES + b"0" * 100_000,
                    HTTP_REFERER="https://evil.example/")
    assert 'href="/"' in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_the_api_keeps_its_json_413(client: Client, world: World, small_limits: None) -> None:
    response = client.post("/api/v1/me/", data="x" * 2000, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
