"""Files sent with a message on a request: checked as case documents are (by content and
size) and stored outside the web root, below MEDIA_ROOT/coordination, under a random name
(tawasul.common.attachments).

The bytes are written before the message's transaction and removed again if it fails,
so that no file is left without its record and no record without its file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.attachments import StoredFile, store_uploads
from tawasul.coordination.models import RequestAttachment

ATTACHMENTS_DIR = "coordination"
# Fields recorded with every audited download (names only).
ATTACHMENT_READ_FIELDS: tuple[str, ...] = ("content",)


def store_all(files: Sequence[IO[bytes] | Any]) -> list[StoredFile]:
    """The files of one message (at most common.attachments.MAX_FILES), each checked and
    written; DomainError on "attachments" or "attachments.<index>", none kept, if refused."""
    return store_uploads(files, ATTACHMENTS_DIR)


def attachment_download_audited(user: object, attachment: RequestAttachment) -> None:
    audit_record(action=AuditAction.READ, actor=user, obj=attachment,
                 fields=ATTACHMENT_READ_FIELDS,
                 reason=f"download, request {attachment.event.request_id}")
