"""Scoped reads of the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from tawasul.accounts.roles import AUDIT_REVIEWER_ROLES
from tawasul.audit.models import AuditEntry
from tawasul.common.access import is_member


def can_review_audit(user: object) -> bool:
    return is_member(user) and getattr(user, "role", "") in AUDIT_REVIEWER_ROLES


def audit_entries_visible_to(user: object) -> QuerySet[AuditEntry]:
    """The ministry's supervisors and the foundation's administrators review the whole
    trail; nobody else sees any of it."""
    if not can_review_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.all()
