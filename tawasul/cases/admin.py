"""Django admin for cases: the case-type catalog, which the foundation's administrators
configure (saves go through services.case_type_save, audited), and a read-only list of
cases by their coordination metadata.

The administrators see no case details (DESIGN, access rules 1-3): the case list here
shows reference, center, type, status, risk and dates; no person, no summary, no
timeline. Changes to cases go through the services, never through the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from tawasul.cases import services
from tawasul.cases.models import Case, CaseType
from tawasul.common.errors import DomainError
from tawasul.organizations.admin import AdminRoleOnly


@admin.register(CaseType)
class CaseTypeAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "domain", "default_sensitivity", "is_active")
    list_filter = ("domain", "default_sensitivity", "is_active")
    search_fields = ("code", "name_ar", "name_en")
    fields = services.CASE_TYPE_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retired by unticking "active": cases keep their type

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            services.case_type_save(actor=request.user, case_type=obj)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(request, str(error.message))


@admin.register(Case)
class CaseAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ("reference", "center", "case_type", "status", "risk_level",
                    "is_restricted", "opened_at", "closed_at")
    list_filter = ("center", "status", "risk_level", "is_restricted")
    list_select_related = ("center", "case_type")
    search_fields = ("reference",)
    fields = ("reference", "center", "case_type", "status", "risk_level", "is_restricted",
              "opened_at", "closed_at", "closure_reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
