"""Writing audit entries. Every service that writes calls audit_record in its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tawasul.audit import context
from tawasul.audit.models import AuditAction, AuditEntry, ChainVerification


def object_label(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def _entry(
    *,
    action: AuditAction | str,
    actor: Any,
    object_type: str,
    object_id: str,
    fields: Iterable[str],
    reason: str,
    actor_username: str,
) -> AuditEntry:
    ctx = context.current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    organization = getattr(actor, "organization", None) if is_user else None
    return AuditEntry(
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
    entry = _entry(action=action, actor=actor, object_type=object_type, object_id=object_id,
                   fields=fields, reason=reason, actor_username=actor_username)
    entry.save(force_insert=True)
    return entry


def audit_record_each(
    *,
    action: AuditAction | str,
    actor: Any,
    objs: Iterable[models.Model],
    fields: Iterable[str] = (),
    reason: str = "",
) -> list[AuditEntry]:
    """One entry per object, as audit_record would write them, in one insert (a page that
    shows several records, such as duplicate suggestions)."""
    fields = list(fields)
    entries = [
        _entry(action=action, actor=actor, object_type=object_label(obj)[0],
               object_id=object_label(obj)[1], fields=fields, reason=reason,
               actor_username="")
        for obj in objs
    ]
    return AuditEntry.objects.bulk_create(entries)


def chain_verification_run(*, source: str, requested_by: str = "") -> ChainVerification:
    """Check the chain, store the outcome for the audit page, and audit that we did."""
    from tawasul.audit import chain

    result = chain.verify()
    summary = (
        f"ok: {result.checked} entries verified, {result.unsealed} unsealed"
        if result.ok
        else f"broken at seq {result.broken_seq}: {result.problem}"
    )
    with transaction.atomic():
        verification = ChainVerification.objects.create(
            ok=result.ok,
            checked=result.checked,
            unsealed=result.unsealed,
            broken_seq=result.broken_seq,
            broken_entry_id=result.broken_entry_id,
            problem=result.problem,
            source=source,
            requested_by=requested_by[:150],
        )
        audit_record(
            action=AuditAction.TASK,
            actor_username=f"system:verify_audit ({source})",
            object_type=ChainVerification._meta.label_lower,
            object_id=str(verification.pk),
            reason=summary + (f"; requested by {requested_by}" if requested_by else ""),
        )
    return verification


def chain_verification_request(*, actor: Any) -> None:
    """A reviewer asks for a check now; it runs in the background (the trail may be long)."""
    from tawasul.audit.tasks import verify_audit_chain
    from tawasul.jobs.queue import enqueue_on_commit

    with transaction.atomic():
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            object_type=ChainVerification._meta.label_lower,
            reason="chain verification requested",
        )
        enqueue_on_commit(verify_audit_chain, requested_by=actor.get_username())
