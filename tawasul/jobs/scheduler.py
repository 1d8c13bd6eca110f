"""One scheduler tick: enqueue each periodic job that is due, exactly once.

Each job's ScheduledJob row is locked (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
IMMEDIATE transaction holds the write lock) while deciding, and the task is enqueued in
the same transaction as the new `last_enqueued_at`: two schedulers, or one restarted
in the middle of a tick, cannot enqueue the same run twice. A job whose previous run
has not finished is not enqueued again, so a stopped worker does not let runs pile up.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Iterable

from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tawasul.jobs import schedule
from tawasul.jobs.models import ScheduledJob

logger = logging.getLogger("tawasul.jobs")


def _unfinished(result_id: str) -> bool:
    try:
        key = uuid.UUID(result_id)
    except ValueError:
        return False  # not a database-backend result (the immediate backend in development)
    return DBTaskResult.objects.filter(
        id=key, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()


def _enqueue_if_due(job: schedule.PeriodicJob, now: dt.datetime) -> bool:
    with transaction.atomic():
        row = ScheduledJob.objects.select_for_update().get(name=job.name)
        last = row.last_enqueued_at
        # A last run "in the future" means the clock went back: do not wait for it.
        if last is not None and last <= now + job.interval and now < last + job.interval:
            return False
        if row.last_result_id and _unfinished(row.last_result_id):
            return False
        result = job.task().enqueue(**job.kwargs)
        row.last_enqueued_at = now
        row.last_result_id = str(result.id)
        row.save(update_fields=["last_enqueued_at", "last_result_id"])
    logger.info("Scheduled job %s enqueued as task %s", job.name, result.id)
    return True


def tick(
    *, now: dt.datetime | None = None, jobs: Iterable[schedule.PeriodicJob] | None = None
) -> list[str]:
    """Enqueue the jobs that are due; returns their names."""
    now = now or timezone.now()
    due = list(schedule.jobs() if jobs is None else jobs)
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=job.name) for job in due], ignore_conflicts=True
    )
    enqueued = []
    for job in due:
        try:
            if _enqueue_if_due(job, now):
                enqueued.append(job.name)
        except Exception:
            # One broken job must not stop the others (nor the scheduler).
            logger.exception("Scheduled job %s could not be enqueued", job.name)
    return enqueued


def run(stop: threading.Event, *, interval: float = 5.0) -> None:
    """Tick every `interval` seconds until `stop` is set."""
    logger.info("Scheduler starting (tick every %ss)", interval)
    while not stop.is_set():
        close_old_connections()
        try:
            tick()
        except Exception:
            logger.exception("Scheduler tick failed; trying again in %ss", interval)
        stop.wait(interval)
    logger.info("Scheduler stopped")
