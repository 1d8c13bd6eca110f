"""Files sent with a message between an embassy and the foundation: checked as case
documents are (by their content and size: tawasul.common.attachments, with
tawasul.cases.documents `sniff`, `max_bytes`) and stored outside the web root
(MEDIA_ROOT/referrals, which no URL serves) under a random name. They leave the server
only through the access-checked download view, each download audited
(`download_audited`).

The bytes are written before the message's transaction and removed again if it fails,
so that no file is left without its record and no record without its file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.db.models import QuerySet

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.access import fetch_or_deny
from tawasul.common.attachments import StoredFile, store_uploads
from tawasul.referrals import selectors
from tawasul.referrals.models import ReferralAttachment

ATTACHMENTS_DIR = "referrals"
# Fields recorded with every audited download (names only).
READ_FIELDS: tuple[str, ...] = ("content",)


def store_all(files: Sequence[IO[bytes] | Any]) -> list[StoredFile]:
    """The files of one message (at most common.attachments.MAX_FILES), each checked and
    written; DomainError on "attachments" or "attachments.<index>", none kept, if refused."""
    return store_uploads(files, ATTACHMENTS_DIR)


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


def download_audited(user: object, attachment: ReferralAttachment) -> None:
    audit_record(action=AuditAction.READ, actor=user, obj=attachment, fields=READ_FIELDS,
                 reason=f"download, referral {attachment.event.referral_id}")
