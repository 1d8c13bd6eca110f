"""Django admin: a read-only view of webhook endpoints and deliveries for the
foundation's administrators. The secret and the payloads are not shown; every change goes
through the webhook pages and the services (tawasul.webhooks.services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tawasul.organizations.admin import AdminRoleOnly
from tawasul.webhooks.models import WebhookDelivery, WebhookEndpoint


class ReadOnlyAdmin(AdminRoleOnly, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("url", "organization", "is_active", "secret_prefix", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("organization",)
    search_fields = ("url", "organization__code")
    fields = readonly_fields = ("organization", "url", "description", "events", "is_active",
                                "secret_prefix", "secret_rotated_at", "created_by",
                                "created_at", "deactivated_at", "deactivated_by")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event", "event_id", "endpoint", "status", "attempts", "last_status_code",
                    "created_at")
    list_filter = ("status", "event")
    list_select_related = ("endpoint",)
    search_fields = ("event_id",)
    fields = readonly_fields = ("endpoint", "event", "event_id", "status", "attempts",
                                "last_status_code", "last_error_kind", "last_error",
                                "next_attempt_at", "delivered_at", "created_at")
