from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tawasul.jobs.worker import Worker


def run_ready(**options) -> Worker:
    """Run the tasks that are ready now, in this thread, then return."""
    worker = Worker(
        batch=True, interval=0, heartbeat_thread=False, recycle_connections=False, **options
    )
    worker.run()
    return worker


def make_due(result_id: str | uuid.UUID) -> None:
    """Skip a retry's backoff: the delay itself is checked separately."""
    DBTaskResult.objects.filter(id=result_id, status=TaskResultStatus.READY).update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )


def row(result_id: str | uuid.UUID) -> DBTaskResult:
    return DBTaskResult.objects.get(id=result_id)
