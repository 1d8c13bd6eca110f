"""Enqueueing from services: after the transaction commits, never before.

A task enqueued inside a transaction that then rolls back would act on rows that do not
exist; one enqueued before commit may run before the rows are visible to its worker.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction
from django_tasks.base import Task
from typing_extensions import ParamSpec

P = ParamSpec("P")
T = TypeVar("T")


def enqueue_on_commit(task: Task[P, T], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue `task` once the current transaction commits (at once outside one).

    `robust`: the caller's work is already committed, so a failure to enqueue is logged
    (and the periodic jobs or a retry pick it up) rather than turned into an error page.
    """

    def enqueue() -> Any:
        return task.enqueue(*args, **kwargs)

    transaction.on_commit(enqueue, robust=True)
