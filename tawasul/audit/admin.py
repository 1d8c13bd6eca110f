"""The audit trail in the Django admin: read-only, and only for audit reviewers.

Nobody adds, changes or deletes an entry here (the database refuses the last two
anyway); the policy of tawasul.audit.selectors decides who may look, as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tawasul.audit.models import AuditEntry, ChainVerification
from tawasul.audit.selectors import audit_entries_visible_to, can_review_audit


class AuditReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_review_audit(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_review_audit(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditReadOnlyAdmin):
    list_display = [
        "occurred_at", "actor_username", "organization_code", "action", "object_type",
        "object_id", "ip_address", "seq",
    ]
    list_filter = ["action"]
    # Exact matches only: a LIKE over the whole trail would scan every row.
    search_fields = ["=actor_username", "=organization_code", "=object_id", "=request_id"]
    show_full_result_count = False
    readonly_fields = [
        "entry_id", "occurred_at", "actor_username", "actor_role", "organization_id",
        "organization_code", "action", "object_type", "object_id", "fields", "reason",
        "ip_address", "user_agent", "request_id", "seq", "prev_hash", "hash",
    ]
    fields = tuple(readonly_fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        return audit_entries_visible_to(request.user)


@admin.register(ChainVerification)
class ChainVerificationAdmin(AuditReadOnlyAdmin):
    list_display = [
        "checked_at", "ok", "checked", "unsealed", "broken_seq", "source", "requested_by"
    ]
    list_filter = ["ok", "source"]
