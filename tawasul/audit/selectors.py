"""Scoped reads of the audit trail."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, fields

from django.db.models import QuerySet, Subquery
from django.utils import timezone

from tawasul.accounts.roles import AUDIT_REVIEWER_ROLES
from tawasul.audit.models import AuditEntry, ChainHead, ChainVerification
from tawasul.common.access import is_member


def can_review_audit(user: object) -> bool:
    return is_member(user) and getattr(user, "role", "") in AUDIT_REVIEWER_ROLES


def audit_entries_visible_to(user: object) -> QuerySet[AuditEntry]:
    """The ministry's supervisors and the foundation's administrators review the whole
    trail; nobody else sees any of it."""
    if not can_review_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.all()


@dataclass(frozen=True)
class AuditFilter:
    """What a reviewer filters the trail by; every criterion is exact (indexed or cheap)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str = ""
    organization: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    request_id: str = ""

    def used(self) -> list[str]:
        """The names of the criteria in use (for the audit entry of the search itself)."""
        return [f.name for f in fields(self) if getattr(self, f.name) not in (None, "")]


def audit_entries_matching(user: object, criteria: AuditFilter) -> QuerySet[AuditEntry]:
    """The entries the user may review that match; dates are whole days in local time."""
    qs = audit_entries_visible_to(user)
    tz = timezone.get_current_timezone()
    if criteria.date_from:
        qs = qs.filter(occurred_at__gte=dt.datetime.combine(criteria.date_from, dt.time.min, tz))
    if criteria.date_to:
        next_day = criteria.date_to + dt.timedelta(days=1)
        qs = qs.filter(occurred_at__lt=dt.datetime.combine(next_day, dt.time.min, tz))
    exact = {
        "actor_username": criteria.actor,
        "organization_code": criteria.organization,
        "action": criteria.action,
        "object_type": criteria.object_type,
        "object_id": criteria.object_id,
        "request_id": criteria.request_id,
    }
    return qs.filter(**{name: value for name, value in exact.items() if value})


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    newer: uuid.UUID | None  # pass as ?before= to see the page of newer entries
    older: uuid.UUID | None  # pass as ?after= to see the page of older entries


def audit_page(
    qs: QuerySet[AuditEntry],
    *,
    after: uuid.UUID | None = None,
    before: uuid.UUID | None = None,
    size: int = 50,
) -> AuditPage:
    """One page, newest first, by keyset on the internal id: one query whatever the page,
    no COUNT over millions of rows. Cursors are the public entry ids."""

    def anchor(entry_id: uuid.UUID) -> Subquery:
        return Subquery(AuditEntry.objects.filter(entry_id=entry_id).values("id")[:1])

    if before is not None:
        rows = list(qs.filter(id__gt=anchor(before)).order_by("id")[: size + 1])
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        return AuditPage(
            entries=rows,
            newer=rows[0].entry_id if rows and has_newer else None,
            older=rows[-1].entry_id if rows else None,
        )
    if after is not None:
        qs = qs.filter(id__lt=anchor(after))
    rows = list(qs.order_by("-id")[: size + 1])
    has_older = len(rows) > size
    rows = rows[:size]
    return AuditPage(
        entries=rows,
        newer=rows[0].entry_id if rows and after is not None else None,
        older=rows[-1].entry_id if rows and has_older else None,
    )


@dataclass(frozen=True)
class ChainStatus:
    sealed_seq: int
    unsealed: int
    last_verification: ChainVerification | None


def chain_status() -> ChainStatus:
    head = ChainHead.objects.filter(id=1).first()
    return ChainStatus(
        sealed_seq=head.seq if head is not None else 0,
        unsealed=AuditEntry.objects.filter(seq__isnull=True).count(),
        last_verification=ChainVerification.objects.order_by("-checked_at").first(),
    )
