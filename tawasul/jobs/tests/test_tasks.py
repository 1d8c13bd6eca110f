"""Housekeeping tasks, enqueueing on commit, and once-only side effects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.jobs.idempotency import run_once
from tawasul.jobs.models import IdempotencyKey
from tawasul.jobs.queue import enqueue_on_commit
from tawasul.jobs.tasks import clear_expired_sessions, prune_task_results
from tawasul.jobs.tests import sample_tasks
from tawasul.jobs.tests.helpers import row, run_ready

pytestmark = pytest.mark.django_db


def test_prune_deletes_old_finished_results_only_and_audits_as_the_task():
    old = sample_tasks.count.enqueue("old")
    recent = sample_tasks.count.enqueue("recent")
    waiting = sample_tasks.count.enqueue("waiting")
    DBTaskResult.objects.filter(id__in=[old.id, recent.id]).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now()
    )
    DBTaskResult.objects.filter(id=old.id).update(
        finished_at=timezone.now() - dt.timedelta(days=30)
    )
    DBTaskResult.objects.filter(id=waiting.id).update(
        enqueued_at=timezone.now() - dt.timedelta(days=30)
    )
    prune = prune_task_results.enqueue()

    run_ready()

    remaining = set(DBTaskResult.objects.values_list("id", flat=True))
    assert {str(i) for i in remaining} == {str(recent.id), str(waiting.id), str(prune.id)}
    entry = AuditEntry.objects.get(actor_username="system:prune_task_results")
    assert entry.action == AuditAction.TASK
    assert entry.request_id == f"task-{prune.id}"  # the run is traceable to its task
    assert "deleted 1 task results" in entry.reason


def test_prune_run_twice_changes_nothing_the_second_time():
    assert prune_task_results.call() == 0
    assert not AuditEntry.objects.exists()


def test_clear_expired_sessions_removes_only_expired_ones():
    hour = dt.timedelta(hours=1)
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=timezone.now() - hour)
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=timezone.now() + hour)

    assert clear_expired_sessions.call() == 1

    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    entry = AuditEntry.objects.get(actor_username="system:clear_expired_sessions")
    assert entry.object_type == "sessions.session"
    assert clear_expired_sessions.call() == 0
    assert AuditEntry.objects.count() == 1


def test_enqueue_on_commit_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        enqueue_on_commit(sample_tasks.count, "k")
        assert not DBTaskResult.objects.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert DBTaskResult.objects.get().task_path.endswith("sample_tasks.count")


def test_enqueue_on_commit_enqueues_nothing_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                enqueue_on_commit(sample_tasks.count, "k")
                raise RuntimeError("the service failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not DBTaskResult.objects.exists()


def test_run_once_runs_the_side_effect_once_per_key():
    calls = []
    assert run_once("k", lambda: calls.append(1)) is True
    assert run_once("k", lambda: calls.append(2)) is False
    assert calls == [1]
    assert IdempotencyKey.objects.get(key="k").done_at is not None


def test_run_once_releases_the_key_when_the_side_effect_fails():
    def boom() -> None:
        raise OSError("smtp down")

    with pytest.raises(OSError):
        run_once("k", boom)
    calls = []
    assert run_once("k", lambda: calls.append(1)) is True
    assert calls == [1]


def test_run_once_takes_over_a_claim_abandoned_by_a_dead_worker(settings):
    settings.TASK_STALE_AFTER_SECONDS = 60
    IdempotencyKey.objects.create(key="k", claimed_at=timezone.now() - dt.timedelta(minutes=5))
    calls = []
    assert run_once("k", lambda: calls.append(1)) is True
    assert calls == [1]


def test_run_worker_command_runs_ready_tasks():
    from unittest import mock

    from django.core.management import call_command

    result = sample_tasks.count.enqueue("k")
    # The test's transaction must survive the worker's connection recycling.
    with mock.patch("tawasul.jobs.worker.close_old_connections"):
        call_command("run_worker", "--batch", "--interval", "0", verbosity=0)
    assert row(result.id).status == TaskResultStatus.SUCCESSFUL
