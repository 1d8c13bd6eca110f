"""The periodic jobs: what `run_scheduler` enqueues, and how often.

Add a job by appending a `PeriodicJob` to SCHEDULE (or calling `register` from an app's
module imported at start-up). A job names its task by import path, so this module
imports no app. Each run is an ordinary task: it takes no arguments it cannot survive
seeing twice, and it writes its own audit entry when it changes data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string
from django_tasks.base import Task


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval: dt.timedelta
    task_path: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def task(self) -> Task[Any, Any]:
        task = import_string(self.task_path)
        if not isinstance(task, Task):
            raise TypeError(f"{self.task_path} is not a task")
        return task


SCHEDULE: list[PeriodicJob] = [
    # Sealing keeps the unsealed tail of the audit trail short (tawasul.audit.chain).
    PeriodicJob(
        "audit.seal", dt.timedelta(seconds=10), "tawasul.audit.tasks.seal_audit_trail"
    ),
    PeriodicJob(
        "audit.verify", dt.timedelta(days=1), "tawasul.audit.tasks.verify_audit_chain"
    ),
    PeriodicJob(
        "jobs.prune_task_results", dt.timedelta(days=1), "tawasul.jobs.tasks.prune_task_results"
    ),
    PeriodicJob(
        "sessions.clear_expired",
        dt.timedelta(hours=1),
        "tawasul.jobs.tasks.clear_expired_sessions",
    ),
    PeriodicJob(
        "cases.task_reminders", dt.timedelta(hours=1), "tawasul.cases.tasks.send_task_reminders"
    ),
    PeriodicJob(
        "referrals.flag_overdue", dt.timedelta(minutes=15),
        "tawasul.referrals.tasks.flag_overdue_referrals",
    ),
    PeriodicJob(
        "referrals.reminders", dt.timedelta(minutes=15),
        "tawasul.referrals.tasks.send_referral_reminders",
    ),
]


def register(job: PeriodicJob) -> None:
    if any(existing.name == job.name for existing in SCHEDULE):
        raise ValueError(f"a periodic job named {job.name!r} is already registered")
    SCHEDULE.append(job)


def jobs() -> list[PeriodicJob]:
    return list(SCHEDULE)
