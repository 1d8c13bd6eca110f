"""Tasks for the worker's tests (a task must be a module-level function)."""

from __future__ import annotations

import os
import signal
from collections import Counter

from django_tasks import task

from tawasul.jobs.retry import PermanentFailure, retryable

CALLS: Counter[str] = Counter()


@retryable(max_attempts=3, backoff_seconds=5)
@task()
def flaky(key: str, failures: int) -> str:
    """Fails the first `failures` times it is called with `key`."""
    CALLS[key] += 1
    if CALLS[key] <= failures:
        raise RuntimeError(f"failure {CALLS[key]} of {failures}")
    return "done"


@task()
def fragile(key: str) -> None:
    """Not retryable: one failure is final."""
    CALLS[key] += 1
    raise RuntimeError("no retries for me")


@retryable(max_attempts=3)
@task()
def hopeless(key: str) -> None:
    CALLS[key] += 1
    raise PermanentFailure("this will never work")


@task()
def count(key: str) -> int:
    CALLS[key] += 1
    return CALLS[key]


@task()
def terminate_self(key: str, times: int) -> None:
    """Sends SIGTERM to its own worker `times` times while running, then finishes."""
    CALLS[key] += 1
    for _ in range(times):
        os.kill(os.getpid(), signal.SIGTERM)
    CALLS[f"{key}:finished"] += 1
