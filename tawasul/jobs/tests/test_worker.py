"""The worker: retries with backoff up to the limit, rescue of orphaned tasks, and a
graceful stop on SIGTERM."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tawasul.jobs.models import WorkerHeartbeat
from tawasul.jobs.retry import RetryPolicy
from tawasul.jobs.tests import sample_tasks
from tawasul.jobs.tests.helpers import make_due, row, run_ready
from tawasul.jobs.worker import StopOnSignal, Worker, requeue_stale

pytestmark = pytest.mark.django_db


# --- retries ---------------------------------------------------------------------------


def test_a_failed_retryable_task_is_requeued_with_backoff_and_then_succeeds():
    result = sample_tasks.flaky.enqueue("k", failures=1)
    before = timezone.now()

    run_ready()

    first = row(result.id)
    assert first.status == TaskResultStatus.READY
    assert len(first.worker_ids) == 1
    assert "RuntimeError" in first.exception_class_path + first.traceback
    # Not run again at once: the first retry waits the policy's backoff (5 s here).
    assert first.run_after >= before + dt.timedelta(seconds=5)
    run_ready()
    assert sample_tasks.CALLS["k"] == 1

    make_due(result.id)
    run_ready()

    done = row(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == "done"
    assert len(done.worker_ids) == 2
    assert sample_tasks.CALLS["k"] == 2


def test_retries_stop_at_max_attempts():
    result = sample_tasks.flaky.enqueue("k", failures=99)

    for _ in range(10):
        run_ready()
        if row(result.id).status != TaskResultStatus.READY:
            break
        make_due(result.id)

    final = row(result.id)
    assert final.status == TaskResultStatus.FAILED
    assert sample_tasks.CALLS["k"] == 3  # max_attempts=3 on the task
    assert len(final.worker_ids) == 3
    assert final.task_result.errors[0].exception_class_path == "builtins.RuntimeError"


def test_max_attempts_defaults_to_the_setting(settings):
    settings.TASK_MAX_ATTEMPTS = 4
    assert RetryPolicy().attempts_allowed == 4
    assert RetryPolicy(max_attempts=2).attempts_allowed == 2


def test_a_task_not_marked_retryable_fails_once():
    result = sample_tasks.fragile.enqueue("k")
    run_ready()
    assert row(result.id).status == TaskResultStatus.FAILED
    assert sample_tasks.CALLS["k"] == 1


def test_a_permanent_failure_is_not_retried():
    result = sample_tasks.hopeless.enqueue("k")
    run_ready()
    assert row(result.id).status == TaskResultStatus.FAILED
    assert sample_tasks.CALLS["k"] == 1


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(backoff_seconds=10, max_backoff_seconds=60)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


def test_task_context_counts_attempts_across_retries():
    result = sample_tasks.flaky.enqueue("k", failures=1)
    run_ready()
    make_due(result.id)
    run_ready()
    assert row(result.id).task_result.attempts == 2


# --- rescue of tasks whose worker died ---------------------------------------------------


def _orphan(result_id: str, *, started_ago: dt.timedelta, workers: list[str]) -> None:
    DBTaskResult.objects.filter(id=result_id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=workers,
    )


def test_a_task_left_running_by_a_dead_worker_is_requeued_and_then_runs(settings):
    settings.TASK_STALE_AFTER_SECONDS = 60
    result = sample_tasks.count.enqueue("k")
    _orphan(result.id, started_ago=dt.timedelta(minutes=5), workers=["dead-worker"])

    worker = run_ready()  # the worker looks for orphans when it starts

    done = row(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.worker_ids == ["dead-worker", worker.worker_id]
    assert sample_tasks.CALLS["k"] == 1


def test_a_recently_started_task_is_left_alone(settings):
    settings.TASK_STALE_AFTER_SECONDS = 60
    result = sample_tasks.count.enqueue("k")
    _orphan(result.id, started_ago=dt.timedelta(seconds=10), workers=["busy-worker"])

    report = requeue_stale()

    assert report.requeued == []
    assert row(result.id).status == TaskResultStatus.RUNNING


def test_a_long_task_on_a_live_worker_is_not_taken_away(settings):
    settings.TASK_STALE_AFTER_SECONDS = 60
    result = sample_tasks.count.enqueue("k")
    _orphan(result.id, started_ago=dt.timedelta(minutes=30), workers=["live-worker"])
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="live-worker", started_at=now, seen_at=now)

    report = requeue_stale()

    assert report.requeued == []
    assert row(result.id).status == TaskResultStatus.RUNNING


def test_an_orphan_that_used_all_its_attempts_fails_instead(settings):
    settings.TASK_STALE_AFTER_SECONDS = 60
    result = sample_tasks.flaky.enqueue("k", failures=0)  # max_attempts=3
    _orphan(result.id, started_ago=dt.timedelta(minutes=5), workers=["w1", "w2", "w3"])

    report = requeue_stale()

    assert report.failed == [str(result.id)]
    final = row(result.id)
    assert final.status == TaskResultStatus.FAILED
    assert final.exception_class_path == "tawasul.jobs.worker.WorkerLost"
    assert sample_tasks.CALLS["k"] == 0


def test_the_worker_leaves_no_heartbeat_behind():
    sample_tasks.count.enqueue("k")
    run_ready()
    assert not WorkerHeartbeat.objects.exists()


# --- stopping ----------------------------------------------------------------------------


def test_sigterm_lets_the_current_task_finish_then_stops_the_worker():
    first = sample_tasks.terminate_self.using(priority=10).enqueue("stop", times=1)
    second = sample_tasks.count.enqueue("next")
    stop = threading.Event()
    worker = Worker(
        stop=stop, batch=True, interval=0, heartbeat_thread=False, recycle_connections=False
    )

    with StopOnSignal(stop).installed():
        ran = worker.run()

    assert ran == 1
    assert sample_tasks.CALLS["stop:finished"] == 1
    assert row(first.id).status == TaskResultStatus.SUCCESSFUL
    assert row(second.id).status == TaskResultStatus.READY  # left for the next worker
    assert sample_tasks.CALLS["next"] == 0


def test_a_second_sigterm_stops_at_once_and_puts_the_task_back():
    result = sample_tasks.terminate_self.enqueue("stop", times=2)
    stop = threading.Event()
    worker = Worker(
        stop=stop, batch=True, interval=0, heartbeat_thread=False, recycle_connections=False
    )

    with StopOnSignal(stop).installed(), pytest.raises(SystemExit):
        worker.run()

    assert sample_tasks.CALLS["stop:finished"] == 0
    back = row(result.id)
    assert back.status == TaskResultStatus.READY
    assert back.run_after is not None


def test_worker_works_only_on_its_queues(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "mail"],
        }
    }
    other = sample_tasks.count.using(queue_name="mail").enqueue("mail")
    run_ready(queue_names=["default"])
    assert row(other.id).status == TaskResultStatus.READY
    run_ready(queue_names=["*"])
    assert row(other.id).status == TaskResultStatus.SUCCESSFUL
