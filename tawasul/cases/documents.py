"""Case documents: upload (checked by content and size, stored outside the web root under
a random name) and the fetch-and-check that the download view uses.

The type of a file is decided by its first bytes, never by its name or by the browser's
Content-Type: a worker's laptop may hand over anything called "report.pdf". Only the
formats a case file needs are accepted (PDF, PNG, JPEG, Word/Excel documents, UTF-8
text); everything else, and in particular an executable whatever its name, is refused.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import access, selectors
from tawasul.cases.models import Case, CaseDocument, CaseEvent, CaseEventKind
from tawasul.common.access import fetch_or_deny, require
from tawasul.common.errors import DomainError
from tawasul.common.text import clean_text

DOCUMENTS_DIR = "documents"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024
TEXT_SNIFF_BYTES = 64 * 1024
# Fields recorded with every audited download (names only).
DOCUMENT_READ_FIELDS: tuple[str, ...] = ("content",)

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain; charset=utf-8"

EXTENSIONS: dict[str, str] = {
    PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", XLSX: ".xlsx", TEXT: ".txt",
}
# Executables and scripts: refused with their own message, so the worker knows why.
_EXECUTABLE_MAGIC: tuple[bytes, ...] = (
    b"MZ",                 # Windows PE / DOS
    b"\x7fELF",            # Linux
    b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe",  # Mach-O
    b"#!",                 # scripts
)
# Control characters other than tab, newlines, form feed: a binary file, not text.
_BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_UNSAFE_FILENAME = re.compile(r"[^\w\s.\-()]+", re.UNICODE)


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _refused_type() -> DomainError:
    return DomainError(
        "document_type",
        _("This type of file is not accepted. Upload a PDF, PNG, JPEG, Word or Excel "
          "document, or plain text."),
        field="file",
    )


def clean_filename(name: str) -> str:
    """The user's file name, for display and the download's suggested name only: no
    directories, no control or shell characters, at most 150 characters."""
    base = os.path.basename(str(name or "").replace("\\", "/"))
    base = unicodedata.normalize("NFC", clean_text(base))
    base = _UNSAFE_FILENAME.sub("_", base).strip(" ._")
    if len(base) > 150:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 150 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:150]
    return base or "document"


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def sniff(data: bytes) -> str:
    """The content type of `data` from its bytes; DomainError if not accepted."""
    if any(data.startswith(m) for m in _EXECUTABLE_MAGIC):
        raise DomainError(
            "document_executable",
            _("This file is a program, not a document; it is refused whatever its name."),
            field="file",
        )
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        office = _office_type(data)
        if office is None:
            raise _refused_type()
        return office
    sample = data[:TEXT_SNIFF_BYTES]
    try:
        # final=False: a multi-byte character cut at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(
            sample, final=len(data) <= TEXT_SNIFF_BYTES
        )
    except UnicodeDecodeError:
        raise _refused_type() from None
    if _BINARY_CONTROL.search(sample):
        raise _refused_type()
    return TEXT


def read_limited(file: IO[bytes] | Any, limit: int) -> bytes:
    """At most limit + 1 bytes: enough to know it is too large without reading a huge
    upload into memory."""
    if hasattr(file, "seek"):
        file.seek(0)
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = file.read(min(CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def documents_root() -> Path:
    return Path(settings.MEDIA_ROOT) / DOCUMENTS_DIR


def document_path(document: CaseDocument) -> Path:
    return Path(settings.MEDIA_ROOT) / document.stored_path


def document_upload(
    *, actor: User, case: Case, file: IO[bytes] | Any, title: str = ""
) -> CaseDocument:
    """Check, store and record a document on the case's timeline."""
    require(access.can_contribute(actor, case), actor, case, "add documents to this case")
    limit = max_bytes()
    declared = getattr(file, "size", None)
    if declared is not None and int(declared) > limit:
        raise too_large_error(limit)
    data = read_limited(file, limit)
    if len(data) > limit:
        raise too_large_error(limit)
    if not data:
        raise DomainError("document_empty", _("The file is empty."), field="file")
    content_type = sniff(data)
    filename = clean_filename(getattr(file, "name", "") or "")
    title = clean_text(title or "") or filename
    if len(title) > 200:
        raise DomainError("too_long", _("The title is too long."), field="title")
    now = timezone.now()
    relative = (f"{DOCUMENTS_DIR}/{now:%Y/%m}/"
                f"{secrets.token_hex(16)}{EXTENSIONS[content_type]}")
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    # Exclusive create: a random name that somehow exists is never overwritten.
    with open(target, "xb") as out:
        out.write(data)
    try:
        with transaction.atomic():
            document = CaseDocument.objects.create(
                case=case, title=title, original_filename=filename,
                content_type=content_type, size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), stored_path=relative,
                uploaded_by=actor,
            )
            event = CaseEvent.objects.create(
                case=case, kind=CaseEventKind.DOCUMENT, author=actor, text=title
            )
            audit_record(action=AuditAction.CREATE, actor=actor, obj=document,
                         fields=["case", "title", "original_filename", "content_type", "size",
                                 "sha256", "stored_path"])
            audit_record(action=AuditAction.CREATE, actor=actor, obj=event,
                         fields=["case", "kind", "text"])
    except BaseException:
        target.unlink(missing_ok=True)  # nothing recorded: no orphan file either
        raise
    return document


def too_large_error(limit: int) -> DomainError:
    return DomainError(
        "document_too_large",
        _("The file is larger than %(mb)s MB.") % {"mb": round(limit / (1024 * 1024), 1)},
        field="file",
    )


def documents_of_visible_cases(user: object) -> Any:
    return CaseDocument.objects.filter(case__in=selectors.center_cases_of(user))


def access_document(user: object, document_id: object, *, reason: str | None = None
                    ) -> CaseDocument:
    """A document of a case the user may open: 404 outside their center; a restricted
    case they are not on needs a stated reason (break the glass), as for the case."""
    document = fetch_or_deny(user, documents_of_visible_cases(user), document_id)
    document.case = access.access_case(user, document.case_id, reason=reason)
    return document


def document_download_audited(user: User, document: CaseDocument) -> None:
    audit_record(action=AuditAction.READ, actor=user, obj=document,
                 fields=DOCUMENT_READ_FIELDS, reason=f"download, case {document.case_id}")
