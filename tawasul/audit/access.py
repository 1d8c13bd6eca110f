"""Fetch-and-check for audit entries, by their public handle `entry_id`."""

from __future__ import annotations

import uuid

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.audit.selectors import audit_entries_visible_to
from tawasul.audit.services import audit_record
from tawasul.common.errors import OutOfScope


def access_audit_entry(user: object, entry_id: object) -> AuditEntry:
    """The entry, or OutOfScope (404) after recording the denial — as fetch_or_deny does,
    but by `entry_id`, since the primary key is internal."""
    try:
        key = uuid.UUID(str(entry_id))
    except ValueError:
        key = None
    entry = audit_entries_visible_to(user).filter(entry_id=key).first() if key else None
    if entry is None:
        audit_record(
            action=AuditAction.ACCESS_DENIED,
            actor=user,
            object_type=AuditEntry._meta.label_lower,
            object_id=str(entry_id)[:64],
        )
        raise OutOfScope()
    return entry
