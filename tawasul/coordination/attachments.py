"""Files sent with a message on a request: checked as case documents are (by content and
size, tawasul.cases.documents) and stored outside the web root under a random name.

The bytes are written before the message's transaction and removed again if it fails,
so that no file is left without its record and no record without its file.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.documents import (
    EXTENSIONS,
    _read_all,
    _too_large,
    clean_filename,
    max_bytes,
    sniff,
)
from tawasul.common.errors import DomainError
from tawasul.coordination.models import RequestAttachment

ATTACHMENTS_DIR = "coordination"
# Fields recorded with every audited download (names only).
ATTACHMENT_READ_FIELDS: tuple[str, ...] = ("content",)


@dataclass(frozen=True)
class StoredFile:
    relative_path: str
    filename: str
    content_type: str
    size: int
    sha256: str

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.relative_path

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def store(file: IO[bytes] | Any) -> StoredFile:
    """Check the file (DomainError on the field "attachment" if refused) and write it."""
    limit = max_bytes()
    try:
        declared = getattr(file, "size", None)
        if declared is not None and int(declared) > limit:
            raise _too_large(limit)
        data = _read_all(file, limit)
        if len(data) > limit:
            raise _too_large(limit)
        if not data:
            raise DomainError("document_empty", _("The file is empty."), field="file")
        content_type = sniff(data)
    except DomainError as error:
        raise DomainError(error.code, error.message, field="attachment") from error
    relative = (f"{ATTACHMENTS_DIR}/{timezone.now():%Y/%m}/"
                f"{secrets.token_hex(16)}{EXTENSIONS[content_type]}")
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    # Exclusive create: a random name that somehow exists is never overwritten.
    with open(target, "xb") as out:
        out.write(data)
    return StoredFile(relative_path=relative,
                      filename=clean_filename(getattr(file, "name", "") or ""),
                      content_type=content_type, size=len(data),
                      sha256=hashlib.sha256(data).hexdigest())


def attachment_path(attachment: RequestAttachment) -> Path:
    return Path(settings.MEDIA_ROOT) / attachment.stored_path


def attachment_download_audited(user: object, attachment: RequestAttachment) -> None:
    audit_record(action=AuditAction.READ, actor=user, obj=attachment,
                 fields=ATTACHMENT_READ_FIELDS,
                 reason=f"download, request {attachment.event.request_id}")
