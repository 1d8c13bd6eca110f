"""The scheduler enqueues each due job once, however many ticks or schedulers there are."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tawasul.jobs import schedule, scheduler
from tawasul.jobs.models import ScheduledJob
from tawasul.jobs.schedule import PeriodicJob

pytestmark = pytest.mark.django_db

EVERY_MINUTE = PeriodicJob(
    "test.count", dt.timedelta(minutes=1), "tawasul.jobs.tests.sample_tasks.count", {"key": "x"}
)


def enqueued_paths() -> Counter[str]:
    return Counter(DBTaskResult.objects.values_list("task_path", flat=True))


def test_run_scheduler_once_enqueues_each_job_exactly_once_even_when_run_twice():
    call_command("run_scheduler", "--once")
    call_command("run_scheduler", "--once")

    paths = enqueued_paths()
    assert paths == Counter({job.task_path: 1 for job in schedule.jobs()})
    assert set(ScheduledJob.objects.values_list("name", flat=True)) == {
        job.name for job in schedule.jobs()
    }


def test_the_registered_jobs():
    by_name = {job.name: job for job in schedule.jobs()}
    assert by_name["audit.seal"].interval == dt.timedelta(seconds=10)
    assert by_name["sessions.clear_expired"].interval == dt.timedelta(hours=1)
    assert by_name["jobs.prune_task_results"].interval == dt.timedelta(days=1)
    for job in by_name.values():
        job.task()  # every path names a real task


def test_a_job_is_due_again_after_its_interval_once_the_last_run_finished():
    now = timezone.now()
    assert scheduler.tick(now=now, jobs=[EVERY_MINUTE]) == ["test.count"]
    assert scheduler.tick(now=now + dt.timedelta(seconds=59), jobs=[EVERY_MINUTE]) == []

    # Due, but the last run is still waiting for a worker: no pile-up.
    later = now + dt.timedelta(minutes=2)
    assert scheduler.tick(now=later, jobs=[EVERY_MINUTE]) == []

    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL, finished_at=later)
    assert scheduler.tick(now=later, jobs=[EVERY_MINUTE]) == ["test.count"]
    assert DBTaskResult.objects.count() == 2


def test_a_restarted_scheduler_remembers_the_last_run():
    now = timezone.now()
    scheduler.tick(now=now, jobs=[EVERY_MINUTE])
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    # A new process knows nothing in memory; the row says the job ran a second ago.
    assert scheduler.tick(now=now + dt.timedelta(seconds=1), jobs=[EVERY_MINUTE]) == []


def test_a_broken_job_does_not_stop_the_others():
    broken = PeriodicJob("test.broken", dt.timedelta(minutes=1), "tawasul.nowhere.task")
    assert scheduler.tick(jobs=[broken, EVERY_MINUTE]) == ["test.count"]


def test_job_names_are_unique():
    with pytest.raises(ValueError):
        schedule.register(schedule.jobs()[0])
