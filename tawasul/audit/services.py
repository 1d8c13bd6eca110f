"""Writing audit entries. Every service that writes calls audit_record in its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from tawasul.audit import context
from tawasul.audit.models import AuditAction, AuditEntry, ChainVerification


def object_label(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def _stored_object_id(object_id: object) -> str:
    """An object id as the entry keeps it (the column holds 64 characters)."""
    return str(object_id)[:64]


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
        object_id=_stored_object_id(object_id),
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
) -> int:
    """One entry per object, as audit_record would write them, in one insert (a page that
    shows several records, such as duplicate suggestions); returns how many.

    The entries of one call differ only in their object and entry id, so the statement
    takes every other column once and those three per entry:

        INSERT INTO audit_auditentry (...) SELECT <shared values>, column1, column2, column3
        FROM (VALUES (<entry id>, <object type>, <object id>), ...)

    bulk_create would prepare and send every column of every entry, which is most of the
    cost of the ten entries a suggestions panel writes at each keystroke."""
    labels = [object_label(obj) for obj in objs]
    if not labels:
        return 0
    shared = _entry(action=action, actor=actor, object_type="", object_id="",
                    fields=fields, reason=reason, actor_username="")
    db = router.db_for_write(AuditEntry)
    connection = connections[db]
    qn = connection.ops.quote_name
    columns = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    select, shared_values = [], []
    for field in columns:
        if field.attname in _PER_ENTRY:
            select.append(f"column{_PER_ENTRY.index(field.attname) + 1}")
        else:
            select.append("%s")
            shared_values.append(
                field.get_db_prep_save(getattr(shared, field.attname), connection))
    per_entry = [next(f for f in columns if f.attname == name) for name in _PER_ENTRY]
    rows = [tuple(field.get_db_prep_save(value, connection) for field, value in
                  zip(per_entry, (uuid.uuid4(), type_, _stored_object_id(id_)), strict=True))
            for type_, id_ in labels]
    # Only quoted names go into the text; every value is a parameter.
    head = (f"INSERT INTO {qn(AuditEntry._meta.db_table)} "  # noqa: S608
            f"({', '.join(qn(f.column) for f in columns)}) SELECT {', '.join(select)} FROM ")
    limit = connection.features.max_query_params  # SQLite's; None where there is none
    batch = (max(1, (limit - len(shared_values)) // len(_PER_ENTRY)) if limit
             else len(rows))
    # One statement is atomic by itself; several (a very long page) are made one.
    atomic = transaction.atomic(using=db, savepoint=False) if len(rows) > batch else nullcontext()
    with atomic, connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(f"{head}(VALUES {values}) AS entries",
                           [*shared_values, *(value for row in chunk for value in row)])
    return len(rows)


# The columns that differ between the entries of one audit_record_each.
_PER_ENTRY = ("entry_id", "object_type", "object_id")


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
