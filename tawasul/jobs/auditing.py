"""The audit entry a task writes when it changes data: the actor is the task itself."""

from __future__ import annotations

from collections.abc import Iterable

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.audit.services import audit_record


def audit_task(
    task_name: str,
    *,
    object_type: str = "",
    object_id: str = "",
    fields: Iterable[str] = (),
    reason: str = "",
) -> AuditEntry:
    return audit_record(
        action=AuditAction.TASK,
        actor_username=f"system:{task_name}",
        object_type=object_type,
        object_id=object_id,
        fields=fields,
        reason=reason,
    )
