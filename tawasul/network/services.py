"""Every write to the diplomatic network: the correspondence log, bulletins and their
read receipts.

Each write checks that the actor may do it, cleans the text (tawasul.common.text,
tawasul.common.references.clean_long_text), and saves with its audit entry (field names
only) in one transaction. Attachments are checked exactly as case documents are — the
type by content (tawasul.cases.documents.sniff), the size against DOCUMENT_MAX_BYTES —
and stored outside the web root under a random name (tawasul.common.attachments).
Emails go out after commit through a background task (tawasul.network.tasks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.access import require
from tawasul.common.attachments import StoredFile, store_upload, stored_path
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.references import clean_long_text
from tawasul.common.text import clean_text
from tawasul.jobs.queue import enqueue_on_commit
from tawasul.network import access, selectors
from tawasul.network.models import (
    Bulletin,
    BulletinDelivery,
    BulletinReceipt,
    Correspondence,
    CorrespondenceChannel,
    CorrespondenceDirection,
)
from tawasul.network.tasks import email_bulletin
from tawasul.organizations.models import Organization, OrganizationKind

ATTACHMENTS_DIR = "network"
SUBJECT_MAX_LENGTH = 300
REFERENCE_MAX_LENGTH = 100
TITLE_MAX_LENGTH = 200
# The log records what happened; the oldest entries a foundation would still type in.
EARLIEST_DATE = dt.date(1971, 1, 1)

CORRESPONDENCE_FIELDS: tuple[str, ...] = (
    "direction", "channel", "occurred_on", "subject", "summary", "reference_number",
)
ATTACHMENT_FIELDS: tuple[str, ...] = (
    "attachment_name", "attachment_content_type", "attachment_size", "attachment_sha256",
    "attachment_path",
)


def _require_manager(actor: User, obj: Any, action: str) -> None:
    require(access.can_manage_network(actor), actor, obj, action)


def require_bulletin_sender(actor: User) -> None:
    """Sending creates the bulletin: there is no object yet to name in the denial."""
    if access.can_manage_network(actor):
        return
    audit_record(action=AuditAction.ACCESS_DENIED, actor=actor,
                 object_type=Bulletin._meta.label_lower, reason="may not send bulletins")
    raise PermissionDenied("forbidden", _("You do not have permission to do this."))


def _line(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    text = clean_text(value or "")
    if required and not text:
        raise DomainError("required", _("This field is required."), field=field)
    if len(text) > max_length:
        raise DomainError("too_long", _("At most %(count)s characters.") % {"count": max_length},
                          field=field)
    return text


# --- Attachments -----------------------------------------------------------------------


def _attachment_fields(stored: StoredFile) -> dict[str, Any]:
    return {
        "attachment_name": stored.filename, "attachment_content_type": stored.content_type,
        "attachment_size": stored.size, "attachment_sha256": stored.sha256,
        "attachment_path": stored.relative_path,
    }


NO_ATTACHMENT: dict[str, Any] = {
    "attachment_name": "", "attachment_content_type": "", "attachment_size": None,
    "attachment_sha256": "", "attachment_path": "",
}


def _store(file: IO[bytes] | Any) -> StoredFile:
    """Checked and written as every message attachment is (tawasul.common.attachments);
    refused naming the field `attachment`."""
    return store_upload(file, ATTACHMENTS_DIR)


def _remove_after_commit(relative: str) -> None:
    """A replaced or removed file goes once the change is committed, never before: a
    rolled-back edit keeps its attachment."""
    if relative:
        path = stored_path(relative)
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


# --- Correspondence ---------------------------------------------------------------------


def _correspondence_values(*, direction: str, channel: str, occurred_on: dt.date,
                           subject: str, summary: str, reference_number: str
                           ) -> dict[str, Any]:
    if direction not in CorrespondenceDirection.values:
        raise DomainError("invalid", _("Choose the direction."), field="direction")
    if channel not in CorrespondenceChannel.values:
        raise DomainError("invalid", _("Choose the channel."), field="channel")
    if not isinstance(occurred_on, dt.date):
        raise DomainError("required", _("This field is required."), field="occurred_on")
    if isinstance(occurred_on, dt.datetime):
        occurred_on = occurred_on.date()
    if occurred_on > timezone.localdate():
        raise DomainError("date_in_future",
                          _("The log records what has happened: the date cannot be in the "
                            "future."), field="occurred_on")
    if occurred_on < EARLIEST_DATE:
        raise DomainError("date_too_early", _("Check the date: it is too far in the past."),
                          field="occurred_on")
    return {
        "direction": direction, "channel": channel, "occurred_on": occurred_on,
        "subject": _line(subject, field="subject", max_length=SUBJECT_MAX_LENGTH,
                         required=True),
        "summary": clean_long_text(summary, field="summary"),
        "reference_number": _line(reference_number, field="reference_number",
                                  max_length=REFERENCE_MAX_LENGTH),
    }


def correspondence_record(
    *,
    actor: User,
    mission: Organization,
    direction: str,
    channel: str,
    occurred_on: dt.date,
    subject: str,
    summary: str = "",
    reference_number: str = "",
    attachment: IO[bytes] | Any | None = None,
) -> Correspondence:
    """Add an exchange with a mission to the log, with an optional attachment."""
    _require_manager(actor, mission, "record correspondence")
    if mission.kind != OrganizationKind.EMBASSY:
        raise DomainError("invalid", _("Choose a mission."), field="mission")
    values = _correspondence_values(
        direction=direction, channel=channel, occurred_on=occurred_on, subject=subject,
        summary=summary, reference_number=reference_number,
    )
    stored = _store(attachment) if attachment is not None else None
    try:
        with transaction.atomic():
            entry = Correspondence.objects.create(
                mission=mission, recorded_by=actor, **values,
                **(_attachment_fields(stored) if stored else NO_ATTACHMENT),
            )
            audit_record(action=AuditAction.CREATE, actor=actor, obj=entry,
                         fields=["mission", *values, *(ATTACHMENT_FIELDS if stored else ())])
    except BaseException:
        if stored is not None:  # nothing recorded: no orphan file either
            stored.discard()
        raise
    return entry


def correspondence_update(
    *,
    actor: User,
    entry: Correspondence,
    direction: str,
    channel: str,
    occurred_on: dt.date,
    subject: str,
    summary: str = "",
    reference_number: str = "",
    attachment: IO[bytes] | Any | None = None,
    remove_attachment: bool = False,
) -> Correspondence:
    """Correct an entry; a new attachment replaces the old one, or the old one is removed.
    The audit entry names the fields that changed."""
    _require_manager(actor, entry, "edit correspondence")
    values = _correspondence_values(
        direction=direction, channel=channel, occurred_on=occurred_on, subject=subject,
        summary=summary, reference_number=reference_number,
    )
    stored = _store(attachment) if attachment is not None else None
    try:
        with transaction.atomic():
            locked = Correspondence.objects.select_for_update().get(pk=entry.pk)
            changed = [name for name, value in values.items() if getattr(locked, name) != value]
            old_path = locked.attachment_path
            if stored is not None:
                values.update(_attachment_fields(stored))
                changed += ATTACHMENT_FIELDS
            elif remove_attachment and old_path:
                values.update(NO_ATTACHMENT)
                changed += ATTACHMENT_FIELDS
            for name, value in values.items():
                setattr(locked, name, value)
            if changed:
                locked.save()
                audit_record(action=AuditAction.UPDATE, actor=actor, obj=locked, fields=changed)
            if locked.attachment_path != old_path:
                _remove_after_commit(old_path)
    except BaseException:
        if stored is not None:
            stored.discard()
        raise
    return locked


def correspondence_attachment_read_audited(user: User, entry: Correspondence) -> None:
    audit_record(action=AuditAction.READ, actor=user, obj=entry,
                 fields=access.ATTACHMENT_READ_FIELDS, reason="download")


# --- Bulletins --------------------------------------------------------------------------


def bulletin_send(
    *,
    actor: User,
    title_ar: str,
    title_en: str,
    body_ar: str,
    body_en: str,
    missions: Iterable[Organization] = (),
    to_all_missions: bool = False,
) -> Bulletin:
    """Send a bulletin to the chosen missions, or to every active mission: one delivery
    per mission, shown on its users' Bulletins page, and (after commit, by a background
    task) an email to each of their active users in that user's language."""
    require_bulletin_sender(actor)
    values = {
        "title_ar": _line(title_ar, field="title_ar", max_length=TITLE_MAX_LENGTH,
                          required=True),
        "title_en": _line(title_en, field="title_en", max_length=TITLE_MAX_LENGTH,
                          required=True),
        "body_ar": clean_long_text(body_ar, field="body_ar", required=True),
        "body_en": clean_long_text(body_en, field="body_en", required=True),
    }
    active = selectors.missions_visible_to(actor).filter(is_active=True)
    if to_all_missions:
        recipients = list(active.order_by("name_en"))
    else:
        chosen = {m.pk for m in missions}
        recipients = list(active.filter(pk__in=chosen).order_by("name_en"))
        if len(recipients) != len(chosen):
            raise DomainError("invalid", _("Choose missions from the directory."),
                              field="missions")
    if not recipients:
        raise DomainError("no_recipients", _("Choose at least one mission, or send to all."),
                          field="missions")
    with transaction.atomic():
        bulletin = Bulletin.objects.create(
            **values, to_all_missions=to_all_missions, sent_at=timezone.now(), sent_by=actor,
        )
        audit_record(action=AuditAction.CREATE, actor=actor, obj=bulletin,
                     fields=[*values, "to_all_missions", "sent_at"],
                     reason=f"sent to {len(recipients)} missions")
        deliveries = BulletinDelivery.objects.bulk_create(
            BulletinDelivery(bulletin=bulletin, mission=mission) for mission in recipients
        )
        for delivery in deliveries:
            audit_record(action=AuditAction.CREATE, actor=actor, obj=delivery,
                         fields=["bulletin", "mission"])
        enqueue_on_commit(email_bulletin, str(bulletin.pk))
    return bulletin


def bulletin_mark_read(*, user: User, bulletin: Bulletin) -> BulletinReceipt | None:
    """A mission's user opened the bulletin: record the receipt the first time, and only
    then. Anyone else opening it (the network's keepers) leaves no receipt."""
    member = selectors.embassy_member(user)
    if member is None:
        return None
    delivery = BulletinDelivery.objects.filter(
        bulletin=bulletin, mission_id=member.organization_id
    ).first()
    if delivery is None:
        return None
    existing = BulletinReceipt.objects.filter(delivery=delivery, user=member).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = BulletinReceipt.objects.create(
                    delivery=delivery, user=member, read_at=timezone.now()
                )
        except IntegrityError:  # the same user, in another tab, a moment earlier
            return BulletinReceipt.objects.get(delivery=delivery, user=member)
        audit_record(action=AuditAction.CREATE, actor=member, obj=receipt,
                     fields=["delivery", "user", "read_at"])
    return receipt
