from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tawasul.jobs.models import ScheduledJob, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the scheduler and the workers only; shown for diagnosis."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_enqueued_at", "last_result_id"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "hostname", "pid", "started_at", "seen_at"]
