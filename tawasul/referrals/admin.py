"""Django admin: a read-only list of referrals for the foundation's administrators, by
their coordination metadata only (DESIGN rule 3): no person, reason, summary or
messages. Every change goes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tawasul.organizations.admin import AdminRoleOnly
from tawasul.referrals.models import Referral

ADMIN_FIELDS: tuple[str, ...] = (
    "reference", "kind", "from_organization", "to_organization", "domain", "urgency",
    "status", "sent_at", "due_at", "overdue_flagged_at", "decided_at", "withdrawn_at",
    "completed_at",
)


@admin.register(Referral)
class ReferralAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ("reference", "from_organization", "to_organization", "urgency",
                    "status", "sent_at", "due_at", "overdue_flagged_at")
    list_filter = ("status", "urgency", "domain", "kind")
    list_select_related = ("from_organization", "to_organization")
    search_fields = ("reference",)
    fields = ADMIN_FIELDS
    readonly_fields = ADMIN_FIELDS

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
