"""Files that come with a message or a record (a message on a coordination request, a
message between an embassy and the foundation, an entry of the correspondence log).

Each is checked as a case document is — the size against DOCUMENT_MAX_BYTES before more
than that is read, the type by its content (tawasul.cases.documents `sniff`), never by its
name — and stored outside the web root, below MEDIA_ROOT/<the app's folder> (which no URL
serves), under a random name. Its bytes leave the server only through an access-checked,
audited download view, which answers with `file_response`.

The bytes are written before the record's transaction; the caller removes them again
(`StoredFile.discard`) if that transaction fails, so that no file is left without its
record and no record without its file.

A message carries at most MAX_FILES files (`store_uploads`): the pages send one, the API
up to that many. Every file is checked before the message is recorded; one refused file
refuses the message, and none of its files is kept.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import documents
from tawasul.common.errors import DomainError
from tawasul.common.models import FileRecord

# The form field that refusals name.
FIELD = "attachment"
# The input of a message's files (the API's multipart field, which may repeat), which
# `store_uploads` refusals name: FILES_FIELD for their number, FILES_FIELD.<index> for one.
FILES_FIELD = "attachments"
# How many files one message may carry.
MAX_FILES = 5


@dataclass(frozen=True)
class StoredFile:
    relative_path: str
    filename: str
    content_type: str
    size: int
    sha256: str

    @property
    def path(self) -> Path:
        return stored_path(self.relative_path)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def stored_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def _declared_too_large(file: IO[bytes] | Any, limit: int) -> bool:
    declared = getattr(file, "size", None)
    return declared is not None and int(declared) > limit


def read_checked(file: IO[bytes] | Any, *, field: str = FIELD) -> tuple[bytes, str]:
    """The file's bytes and content type; DomainError naming `field` when it is too large
    (known by its declared size before anything is read), empty, or of a type that is not
    accepted."""
    limit = documents.max_bytes()
    try:
        if _declared_too_large(file, limit):
            raise documents.too_large_error(limit)
        data = documents.read_limited(file, limit)
        if len(data) > limit:
            raise documents.too_large_error(limit)
        if not data:
            raise DomainError("document_empty", _("The file is empty."))
        content_type = documents.sniff(data)
    except DomainError as error:
        raise DomainError(error.code, error.message, field=field) from error
    return data, content_type


def store_upload(file: IO[bytes] | Any, folder: str, *, field: str = FIELD) -> StoredFile:
    """Check the file (`read_checked`) and write it under a random name below
    MEDIA_ROOT/folder/<year>/<month>/."""
    data, content_type = read_checked(file, field=field)
    relative = (f"{folder}/{timezone.now():%Y/%m}/"
                f"{secrets.token_hex(16)}{documents.EXTENSIONS[content_type]}")
    target = stored_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Exclusive create: a random name that somehow exists is never overwritten.
    with open(target, "xb") as out:
        out.write(data)
    return StoredFile(relative_path=relative,
                      filename=documents.clean_filename(getattr(file, "name", "") or ""),
                      content_type=content_type, size=len(data),
                      sha256=hashlib.sha256(data).hexdigest())


def files_allowance() -> int:
    """How many bytes of file a message may carry (for `uploads.accepts_upload`)."""
    return documents.max_bytes() * MAX_FILES


def store_uploads(files: Sequence[IO[bytes] | Any], folder: str) -> list[StoredFile]:
    """The files of one message, checked and written as `store_upload` does. DomainError
    naming FILES_FIELD when there are more than MAX_FILES, or FILES_FIELD.<index> for the
    first file refused; then none of them is kept. Every declared size is checked before
    any file is read, so that a body whose files were dropped for its size
    (tawasul.common.uploads) is refused for the file that is too large."""
    if len(files) > MAX_FILES:
        raise DomainError("too_many_files",
                          _("Attach at most %(count)s files to one message.")
                          % {"count": MAX_FILES}, field=FILES_FIELD)
    limit = documents.max_bytes()
    for index, file in enumerate(files):
        if _declared_too_large(file, limit):
            error = documents.too_large_error(limit)
            raise DomainError(error.code, error.message, field=f"{FILES_FIELD}.{index}")
    stored: list[StoredFile] = []
    try:
        for index, file in enumerate(files):
            stored.append(store_upload(file, folder, field=f"{FILES_FIELD}.{index}"))
    except BaseException:
        discard_all(stored)
        raise
    return stored


Record = TypeVar("Record", bound=FileRecord)
# What the audit trail names of a new file's record, after what the record belongs to.
RECORDED_FIELDS = ("original_filename", "content_type", "size", "sha256", "stored_path")


def record_files(model: type[Record], stored: Sequence[StoredFile], *, actor: Any,
                 **owner: Any) -> list[Record]:
    """A record of `model` for each stored file of a message, each audited; `owner` is
    what they belong to (event=…). Inside the caller's transaction, which discards the
    files (`discard_all`) if it fails."""
    records = []
    for file in stored:
        record = model._default_manager.create(
            **owner, original_filename=file.filename, content_type=file.content_type,
            size=file.size, sha256=file.sha256, stored_path=file.relative_path,
            uploaded_by=actor,
        )
        audit_record(action=AuditAction.CREATE, actor=actor, obj=record,
                     fields=[*owner, *RECORDED_FIELDS])
        records.append(record)
    return records


def discard_all(stored: Sequence[StoredFile]) -> None:
    """Remove written files whose record was not made."""
    for file in stored:
        file.discard()


def page_files(data: dict[str, Any]) -> list[Any]:
    """The files of a page's message form (its one file field, FIELD), as the message
    services take them."""
    attachment = data.get(FIELD)
    return [attachment] if attachment else []


def page_field(field: str | None) -> str | None:
    """A page's message form has one file field (FIELD): a refusal of the message's files
    is shown on it."""
    if field == FILES_FIELD or (field or "").startswith(f"{FILES_FIELD}."):
        return FIELD
    return field


def open_stored(relative: str) -> BinaryIO:
    """The stored file, opened for its download; 404 when it is not there."""
    try:
        return open(stored_path(relative), "rb")  # the FileResponse closes it
    except FileNotFoundError:
        raise Http404() from None


def file_response(handle: BinaryIO, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download: kept in no cache, never sniffed by the browser into
    another type, never run as a page."""
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def download(user: Any, file: FileRecord, audited: Callable[[Any, Any], None]) -> FileResponse:
    """The download of `file` (a tawasul.common.models.FileRecord that the caller's access
    function handed out), audited by `audited(user, file)` once its bytes are found: a
    missing file answers 404 with nothing recorded."""
    handle = open_stored(file.stored_path)
    audited(user, file)
    return file_response(handle, filename=file.original_filename,
                         content_type=file.content_type)


def download_view(access: Callable[[Any, Any], FileRecord],
                  audited: Callable[[Any, Any], None]) -> Callable[..., HttpResponseBase]:
    """A page that downloads a message's file: `access(user, attachment_id)` answers 404
    for anyone who is not shown the message it belongs to."""

    @login_required
    @require_GET
    def view(request: HttpRequest, attachment_id: uuid.UUID) -> HttpResponseBase:
        return download(request.user, access(request.user, attachment_id), audited)

    return view
