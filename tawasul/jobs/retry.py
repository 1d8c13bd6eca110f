"""Which tasks are retried after they fail, how often and how soon.

django-tasks runs a task once: an exception marks it FAILED for good. A task decorated
with `retryable` is instead put back in the queue by our worker (tawasul.jobs.worker)
with an exponential delay, until it has been attempted `max_attempts` times:

    @retryable(backoff_seconds=30)
    @task()
    def send_email_task(user_id: str, ...) -> None: ...

`retryable` goes above `@task()`: it registers the task's import path and returns the
task unchanged. The same task result is re-queued (same id, `worker_ids` grows by one per
attempt), so `TaskContext.attempt` counts attempts and a caller following the result id
sees it through to the end. Raise `PermanentFailure` for an error that no retry can fix
(the user was deleted): the task fails at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings

TaskT = TypeVar("TaskT")


class PermanentFailure(Exception):
    """Raised by a task when trying again cannot help."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int | None = None
    backoff_seconds: float = 10.0
    max_backoff_seconds: float = 3600.0
    retry_on: tuple[type[BaseException], ...] = (Exception,)

    @property
    def attempts_allowed(self) -> int:
        return self.max_attempts or settings.TASK_MAX_ATTEMPTS

    def should_retry(self, exc: BaseException, attempts_made: int) -> bool:
        if isinstance(exc, PermanentFailure) or not isinstance(exc, self.retry_on):
            return False
        return attempts_made < self.attempts_allowed

    def delay(self, attempts_made: int) -> dt.timedelta:
        """10 s, 20 s, 40 s, … after the 1st, 2nd, 3rd failed attempt, capped."""
        seconds = self.backoff_seconds * (2 ** max(attempts_made - 1, 0))
        return dt.timedelta(seconds=min(seconds, self.max_backoff_seconds))


_POLICIES: dict[str, RetryPolicy] = {}


def retryable(
    *,
    max_attempts: int | None = None,
    backoff_seconds: float = 10.0,
    max_backoff_seconds: float = 3600.0,
    retry_on: tuple[type[BaseException], ...] = (Exception,),
) -> Callable[[TaskT], TaskT]:
    policy = RetryPolicy(
        max_attempts=max_attempts,
        backoff_seconds=backoff_seconds,
        max_backoff_seconds=max_backoff_seconds,
        retry_on=retry_on,
    )

    def register(task: TaskT) -> TaskT:
        module_path: Any = getattr(task, "module_path", None)
        if not isinstance(module_path, str):
            raise TypeError("@retryable goes above @task(): it decorates a Task")
        _POLICIES[module_path] = policy
        return task

    return register


def policy_for(task_path: str) -> RetryPolicy | None:
    return _POLICIES.get(task_path)


def max_attempts_for(task_path: str) -> int:
    """How many times a task may be started at all, retries and rescues included."""
    policy = policy_for(task_path)
    return policy.attempts_allowed if policy else settings.TASK_MAX_ATTEMPTS
