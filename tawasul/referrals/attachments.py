"""Files sent with a message between an embassy and the foundation: checked as case
documents are (by their content and size: tawasul.cases.documents `sniff`, `max_bytes`)
and stored outside the web root (MEDIA_ROOT/referrals, which no URL serves) under a
random name. They leave the server only through the access-checked download view, each
download audited (`download_audited`).

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
from django.db.models import QuerySet
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
from tawasul.common.access import fetch_or_deny
from tawasul.common.errors import DomainError
from tawasul.referrals import selectors
from tawasul.referrals.models import ReferralAttachment

ATTACHMENTS_DIR = "referrals"
FIELD = "attachment"
# Fields recorded with every audited download (names only).
READ_FIELDS: tuple[str, ...] = ("content",)


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


def _checked(file: IO[bytes] | Any) -> tuple[bytes, str]:
    """The file's bytes and content type, by the case documents' rules (size first,
    without reading more than the limit; then the type by content)."""
    limit = max_bytes()
    declared = getattr(file, "size", None)
    if declared is not None and int(declared) > limit:
        raise _too_large(limit)
    data = _read_all(file, limit)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise DomainError("document_empty", _("The file is empty."))
    return data, sniff(data)


def store(file: IO[bytes] | Any) -> StoredFile:
    """Check the file (DomainError on the field "attachment" if refused) and write it."""
    try:
        data, content_type = _checked(file)
    except DomainError as error:
        raise DomainError(error.code, error.message, field=FIELD) from error
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


def attachments_visible_to(viewer: object) -> QuerySet[ReferralAttachment]:
    return ReferralAttachment.objects.select_related("event__referral").filter(
        event__referral__in=selectors.referrals_visible_to(viewer).values("pk")
    )


def access_attachment(user: object, attachment_id: object) -> ReferralAttachment:
    """An attachment of a message the user may read on a referral they may see: 404
    otherwise (audited), as for the referral."""
    attachment = fetch_or_deny(user, attachments_visible_to(user), attachment_id)
    referral = attachment.event.referral
    readable = selectors.referral_events_visible_to(user, referral).filter(
        pk=attachment.event_id).exists()
    if not readable:
        return fetch_or_deny(user, ReferralAttachment.objects.none(), attachment_id)
    return attachment


def attachment_path(attachment: ReferralAttachment) -> Path:
    return Path(settings.MEDIA_ROOT) / attachment.stored_path


def download_audited(user: object, attachment: ReferralAttachment) -> None:
    audit_record(action=AuditAction.READ, actor=user, obj=attachment, fields=READ_FIELDS,
                 reason=f"download, referral {attachment.event.referral_id}")
