"""The task worker: django_tasks_db's claim-and-run loop with retries, rescue of orphaned
tasks, heartbeats and a graceful stop.

Claiming is django_tasks_db's own (`DBTaskResult.objects.ready().get_locked()` then
`claim()` in an exclusive transaction), so our worker and `db_worker` can share a queue.
What we add:

- retries: a task marked `@retryable` that raises is put back to READY with a delay
  instead of FAILED (tawasul.jobs.retry);
- rescue: a task left RUNNING longer than TASK_STALE_AFTER_SECONDS by a worker that no
  longer beats is put back to READY (or FAILED with `WorkerLost` once it has used its
  attempts), on start and every `rescue_every` seconds;
- heartbeats: a thread writes WorkerHeartbeat.seen_at while the worker lives, so a task
  that legitimately runs long is not taken from a live worker;
- stop: the first SIGINT/SIGTERM lets the current task finish and then exits; a second
  one exits at once (the task goes back to READY).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskContext
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception, retry

from tawasul.audit import context as audit_context
from tawasul.jobs.models import WorkerHeartbeat
from tawasul.jobs.retry import max_attempts_for, policy_for

logger = logging.getLogger("tawasul.jobs")

# Heartbeats older than this belong to workers long gone; their rows are removed.
HEARTBEAT_RETENTION = dt.timedelta(days=1)


class WorkerLost(Exception):
    """The worker running the task stopped answering, as many times as the task may run."""


def new_worker_id() -> str:
    host = socket.gethostname().split(".")[0][:30]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"[:64]


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TASK_STALE_AFTER_SECONDS)


def _attempts_allowed(row: DBTaskResult) -> int:
    # Importing the task registers its retry policy in this process.
    with suppress(ImportError):
        import_string(row.task_path)
    return max_attempts_for(row.task_path)


@dataclass
class RescueReport:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def requeue_stale(
    *, backend_name: str = DEFAULT_TASK_BACKEND_ALIAS, now: dt.datetime | None = None
) -> RescueReport:
    """Put back in the queue the tasks whose worker died while running them.

    Safe with several workers doing it at once (rows are locked, or on SQLite the whole
    write is exclusive) and safe for the task, since every task is idempotent.
    """
    now = now or timezone.now()
    cutoff = now - stale_after()
    report = RescueReport()
    candidates = DBTaskResult.objects.running().filter(
        backend_name=backend_name, started_at__lt=cutoff
    )
    with exclusive_transaction(candidates.db):
        alive = set(
            WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list(
                "worker_id", flat=True
            )
        )
        for row in candidates.select_for_update(skip_locked=True):
            if row.worker_ids and row.worker_ids[-1] in alive:
                continue  # still running on a live worker: a long task, not an orphan
            if len(row.worker_ids) >= _attempts_allowed(row):
                row.set_failed(
                    WorkerLost(
                        f"worker {row.worker_ids[-1] if row.worker_ids else '?'} stopped "
                        f"during attempt {len(row.worker_ids)}; no attempts left"
                    )
                )
                report.failed.append(str(row.id))
                logger.error("Task id=%s path=%s lost its worker; failed", row.id, row.task_path)
            else:
                row.status = TaskResultStatus.READY
                row.run_after = get_date_max()
                row.save(update_fields=["status", "run_after"])
                report.requeued.append(str(row.id))
                logger.warning(
                    "Task id=%s path=%s lost its worker; re-queued", row.id, row.task_path
                )
        WorkerHeartbeat.objects.filter(seen_at__lt=now - HEARTBEAT_RETENTION).delete()
    return report


@retry()
def _put_back(
    db_result: DBTaskResult, *, run_after: dt.datetime, exc: BaseException | None
) -> None:
    changes: dict[str, Any] = {
        "status": TaskResultStatus.READY,
        "run_after": run_after,
        "finished_at": None,
    }
    if exc is not None:
        # Kept for whoever looks at the task in the admin while it waits for its retry.
        import traceback

        changes["exception_class_path"] = f"{type(exc).__module__}.{type(exc).__qualname__}"
        changes["traceback"] = "".join(traceback.format_exception(exc))
    DBTaskResult.objects.filter(pk=db_result.pk, status=TaskResultStatus.RUNNING).update(
        **changes
    )


class Worker:
    def __init__(
        self,
        *,
        stop: threading.Event | None = None,
        worker_id: str | None = None,
        queue_names: Sequence[str] = (DEFAULT_TASK_QUEUE_NAME,),
        backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
        interval: float = 1.0,
        batch: bool = False,
        max_tasks: int | None = None,
        rescue_every: float = 60.0,
        heartbeat_thread: bool = True,
        recycle_connections: bool = True,
    ) -> None:
        self.stop = stop or threading.Event()
        self.worker_id = worker_id or new_worker_id()
        self.queue_names = list(queue_names)
        self.backend_name = backend_name
        self.interval = interval
        self.batch = batch
        self.max_tasks = max_tasks
        self.rescue_every = rescue_every
        self.heartbeat_thread = heartbeat_thread
        # Drop broken or expired database connections between tasks, as Django does
        # between requests. Tests run inside one transaction and switch it off.
        self.recycle_connections = recycle_connections
        self.heartbeat_every = max(1.0, min(30.0, settings.TASK_STALE_AFTER_SECONDS / 4))
        self.tasks_run = 0
        self.started_at = timezone.now()

    # --- the loop ----------------------------------------------------------------------

    def run(self) -> int:
        """Run tasks until stopped (or, in batch mode, until none is ready)."""
        logger.info("Worker %s starting on queues %s", self.worker_id, ",".join(self.queue_names))
        self.beat()
        beating = self._start_heartbeat() if self.heartbeat_thread else None
        try:
            self.rescue()
            last_rescue = last_beat = time.monotonic()
            while not self.stop.is_set():
                if self.recycle_connections:
                    close_old_connections()
                if time.monotonic() - last_rescue >= self.rescue_every:
                    self.rescue()
                    last_rescue = time.monotonic()
                if beating is None and time.monotonic() - last_beat >= self.heartbeat_every:
                    self.beat()
                    last_beat = time.monotonic()
                db_result, claimed_cleanly = self.claim()
                if db_result is not None:
                    self.execute(db_result)
                    self.tasks_run += 1
                    if self.max_tasks is not None and self.tasks_run >= self.max_tasks:
                        break
                    continue
                if self.batch and claimed_cleanly:
                    break
                self.stop.wait(self.interval)
        finally:
            if beating is not None:
                beating[0].set()
                beating[1].join(timeout=5)
            self._forget()
            logger.info("Worker %s stopped after %d task(s)", self.worker_id, self.tasks_run)
        return self.tasks_run

    def claim(self) -> tuple[DBTaskResult | None, bool]:
        """The next ready task, marked RUNNING by us; (None, False) if the database was busy."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if "*" not in self.queue_names:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        try:
            with exclusive_transaction(tasks.db):
                db_result = tasks.get_locked()
                if db_result is not None:
                    db_result.claim(self.worker_id)
                return db_result, True
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None, False
            raise

    def execute(self, db_result: DBTaskResult) -> None:
        # Audit entries written by the task carry the task's id where a request id would be.
        token = audit_context.bind(audit_context.RequestContext(request_id=f"task-{db_result.id}"))
        try:
            try:
                task = db_result.task
                task_result = db_result.task_result
            except (ImportError, SuspiciousOperation) as exc:
                logger.exception("Task id=%s cannot be loaded", db_result.id)
                db_result.set_failed(exc)
                return
            logger.info(
                "Task id=%s path=%s attempt %d started",
                db_result.id, db_result.task_path, len(db_result.worker_ids),
            )
            try:
                if task.takes_context:
                    value = task.call(
                        TaskContext(task_result=task_result),
                        *task_result.args,
                        **task_result.kwargs,
                    )
                else:
                    value = task.call(*task_result.args, **task_result.kwargs)
                db_result.set_successful(value)
                logger.info("Task id=%s path=%s succeeded", db_result.id, db_result.task_path)
            except (KeyboardInterrupt, SystemExit):
                # Stopped by force: not the task's fault, so it goes back as it was.
                _put_back(db_result, run_after=get_date_max(), exc=None)
                raise
            except Exception as exc:
                self._failed(db_result, exc)
        finally:
            audit_context.reset(token)

    def _failed(self, db_result: DBTaskResult, exc: Exception) -> None:
        attempts = len(db_result.worker_ids)
        policy = policy_for(db_result.task_path)
        if policy is not None and policy.should_retry(exc, attempts):
            delay = policy.delay(attempts)
            _put_back(db_result, run_after=timezone.now() + delay, exc=exc)
            logger.warning(
                "Task id=%s path=%s attempt %d failed (%s); retry in %ss",
                db_result.id, db_result.task_path, attempts, type(exc).__name__,
                int(delay.total_seconds()),
            )
        else:
            db_result.set_failed(exc)
            logger.error(
                "Task id=%s path=%s failed after %d attempt(s)",
                db_result.id, db_result.task_path, attempts, exc_info=exc,
            )

    # --- liveness ----------------------------------------------------------------------

    def rescue(self) -> RescueReport:
        try:
            return requeue_stale(backend_name=self.backend_name)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return RescueReport()
            raise

    def beat(self) -> None:
        now = timezone.now()
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={"seen_at": now},
                create_defaults={
                    "seen_at": now,
                    "started_at": self.started_at,
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                },
            )
        except OperationalError:
            logger.warning("Worker %s could not write its heartbeat", self.worker_id)

    def _start_heartbeat(self) -> tuple[threading.Event, threading.Thread]:
        done = threading.Event()

        def beat_until_done() -> None:
            try:
                while not done.wait(self.heartbeat_every):
                    self.beat()
            finally:
                connection.close()  # this thread's own connection

        thread = threading.Thread(
            target=beat_until_done, name=f"heartbeat-{self.worker_id}", daemon=True
        )
        thread.start()
        return done, thread

    def _forget(self) -> None:
        # If it fails, the row ages out and requeue_stale removes it.
        with suppress(OperationalError):
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class StopOnSignal:
    """SIGINT or SIGTERM once: set `stop` (finish the current task, then exit).
    Twice: raise SystemExit at once. Only the main thread can install it."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self._previous: dict[signal.Signals, Any] = {}

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.stop.is_set():
            logger.warning("Received %s again: stopping now", signal.strsignal(signum))
            raise SystemExit(1)
        logger.warning(
            "Received %s: finishing the current task, then stopping (again to force)",
            signal.strsignal(signum),
        )
        self.stop.set()

    @contextmanager
    def installed(self) -> Iterator[threading.Event]:
        for signum in self.SIGNALS:
            self._previous[signum] = signal.signal(signum, self.handle)
        try:
            yield self.stop
        finally:
            for signum, previous in self._previous.items():
                signal.signal(signum, previous)
