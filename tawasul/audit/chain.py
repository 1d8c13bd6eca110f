"""The hash chain over the audit trail.

Requests insert entries unsealed (no sequence, no hash), so no request waits for another
to extend the chain. `seal` gives the unsealed entries, in insertion order, consecutive
sequence numbers and chains each to the previous one:

    hash(n) = SHA-256(hash(n-1) || canonical(entry n))

`verify` recomputes the chain from the first entry and names the first entry whose
stored hash, link or sequence does not match. An entry altered, removed or reordered
after sealing breaks the chain from that point on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction

from tawasul.audit.models import AuditEntry, ChainHead

GENESIS = "0" * 64


def canonical(entry: AuditEntry) -> bytes:
    occurred = entry.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {
        "seq": entry.seq,
        "entry_id": str(entry.entry_id),
        "occurred_at": occurred,
        "actor_id": str(entry.actor_id) if entry.actor_id else None,
        "actor_username": entry.actor_username,
        "actor_role": entry.actor_role,
        "organization_id": str(entry.organization_id) if entry.organization_id else None,
        "organization_code": entry.organization_code,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "fields": list(entry.fields or []),
        "reason": entry.reason,
        "ip_address": entry.ip_address,
        "user_agent": entry.user_agent,
        "request_id": entry.request_id,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256(prev_hash.encode() + b"|" + canonical(entry)).hexdigest()


def seal(*, batch_size: int = 2000) -> int:
    """Seal up to batch_size unsealed entries; returns how many. Safe to run concurrently."""
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        pending = list(
            AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:batch_size]
        )
        seq, prev = head.seq, head.hash
        for entry in pending:
            seq += 1
            entry.seq = seq
            entry.prev_hash = prev
            entry.hash = link(prev, entry)
            prev = entry.hash
        AuditEntry.objects.bulk_update(pending, ["seq", "prev_hash", "hash"], batch_size=500)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return len(pending)


def seal_all() -> int:
    total = 0
    while sealed := seal():
        total += sealed
    return total


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    unsealed: int
    broken_seq: int | None = None
    broken_entry_id: str | None = None
    problem: str = ""


def verify(*, chunk_size: int = 5000) -> VerifyResult:
    """Recompute the chain from the first entry; name the first entry that does not fit.

    The head is read before the entries: everything it covers must be there and hash to
    it. Entries sealed while we read (a sealer runs every few seconds) are checked too if
    they are seen, and otherwise left for the next run, never taken for tampering.
    Insertion order (`id`) is not checked: on PostgreSQL ids are handed out when a row is
    inserted, not when its transaction commits, so a sealed chain may step back in id
    without anything being wrong; the hashes fix the order that matters.
    """
    head = ChainHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS)
    unsealed = AuditEntry.objects.filter(seq__isnull=True).count()
    prev = GENESIS
    expected_seq = 1
    checked = 0
    sealed = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")
    for entry in sealed.iterator(chunk_size=chunk_size):
        problem = ""
        if entry.seq != expected_seq:
            problem = f"sequence gap: expected {expected_seq}, found {entry.seq}"
        elif entry.prev_hash != prev:
            problem = "link to the previous entry does not match"
        elif entry.hash != link(prev, entry):
            problem = "content does not match its hash"
        elif entry.seq == head_seq and entry.hash != head_hash:
            problem = "hash does not match the chain head"
        if problem:
            return VerifyResult(
                ok=False,
                checked=checked,
                unsealed=unsealed,
                broken_seq=entry.seq,
                broken_entry_id=str(entry.entry_id),
                problem=problem,
            )
        prev = entry.hash
        expected_seq += 1
        checked += 1
    if checked < head_seq:
        return VerifyResult(
            ok=False,
            checked=checked,
            unsealed=unsealed,
            broken_seq=checked + 1,
            problem="entries after the last one found were removed (chain head is further on)",
        )
    return VerifyResult(ok=True, checked=checked, unsealed=unsealed)
