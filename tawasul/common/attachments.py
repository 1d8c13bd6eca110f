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
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.cases import documents
from tawasul.common.errors import DomainError

# The form field that refusals name.
FIELD = "attachment"


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


def read_checked(file: IO[bytes] | Any, *, field: str = FIELD) -> tuple[bytes, str]:
    """The file's bytes and content type; DomainError naming `field` when it is too large
    (known by its declared size before anything is read), empty, or of a type that is not
    accepted."""
    limit = documents.max_bytes()
    try:
        declared = getattr(file, "size", None)
        if declared is not None and int(declared) > limit:
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
