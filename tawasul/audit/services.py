"""Writing audit entries. Every service that writes calls audit_record in its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from tawasul.audit import context
from tawasul.audit.models import AuditAction, AuditEntry


def object_label(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def audit_record(
    *,
    action: AuditAction | str,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    fields: Iterable[str] = (),
    reason: str = "",
    actor_username: str = "",
) -> AuditEntry:
    """Append one entry. Names of fields only, never their values."""
    if obj is not None:
        object_type, object_id = object_label(obj)
    ctx = context.current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    organization = getattr(actor, "organization", None) if is_user else None
    return AuditEntry.objects.create(
        entry_id=uuid.uuid4(),
        occurred_at=timezone.now(),
        actor=actor if is_user else None,
        actor_username=(actor.get_username() if is_user else actor_username)[:150],
        actor_role=getattr(actor, "role", "") if is_user else "",
        organization_id=organization.pk if organization is not None else None,
        organization_code=organization.code if organization is not None else "",
        action=str(action),
        object_type=object_type,
        object_id=str(object_id)[:64],
        fields=sorted(set(fields)),
        reason=reason,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
        request_id=ctx.request_id,
    )
