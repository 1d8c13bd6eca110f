from __future__ import annotations

from tawasul.audit.models import AuditEntry
from tawasul.audit.selectors import audit_entries_visible_to
from tawasul.common.errors import OutOfScope


def access_audit_entry(user: object, entry_id: object) -> AuditEntry:
    import uuid

    try:
        key = uuid.UUID(str(entry_id))
    except ValueError:
        raise OutOfScope() from None
    entry = audit_entries_visible_to(user).filter(entry_id=key).first()
    if entry is None:
        raise OutOfScope()
    return entry
