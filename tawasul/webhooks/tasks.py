"""The background task that sends webhook deliveries, with the task queue's retries.

`deliver_webhook` is enqueued once per delivery, after the transaction that created it
commits (tawasul.webhooks.services). A failed attempt raises, and the worker
(tawasul.jobs.worker) puts the task back after the retry policy's delay: one minute,
then two, four, ... capped at six hours, for MAX_ATTEMPTS attempts in all (about eight
and a half hours from the first to the last); the last allowed attempt gives the
delivery up. The task takes the delivery's id and is safe to run twice.
"""

from __future__ import annotations

from django_tasks import TaskContext, task

from tawasul.jobs.retry import RetryPolicy, policy_for, retryable
from tawasul.webhooks.sending import attempt_delivery

MAX_ATTEMPTS = 10
BACKOFF_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 6 * 3600.0


@retryable(max_attempts=MAX_ATTEMPTS, backoff_seconds=BACKOFF_SECONDS,
           max_backoff_seconds=MAX_BACKOFF_SECONDS)
@task(takes_context=True)
def deliver_webhook(context: TaskContext, delivery_id: str) -> str:
    """POST the delivery once; raise to be retried, or record that it is given up."""
    return attempt_delivery(delivery_id, attempt=context.attempt, policy=retry_policy())


def retry_policy() -> RetryPolicy:
    policy = policy_for(deliver_webhook.module_path)
    assert policy is not None  # registered by @retryable above
    return policy
