"""Housekeeping tasks run by the scheduler (tawasul.jobs.schedule)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tawasul.jobs.auditing import audit_task
from tawasul.jobs.models import IdempotencyKey


@task()
def prune_task_results(min_age_days: int = 14) -> int:
    """Delete finished task results (and done idempotency keys) older than min_age_days.

    Idempotent: a second run finds nothing older left to delete.
    """
    cutoff = timezone.now() - dt.timedelta(days=min_age_days)
    with transaction.atomic():
        deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
        # A key outliving its task results could only block a task that no longer exists.
        keys, _ = IdempotencyKey.objects.filter(done_at__lt=cutoff).delete()
        if deleted or keys:
            audit_task(
                "prune_task_results",
                object_type="django_tasks_database.dbtaskresult",
                reason=(
                    f"deleted {deleted} task results and {keys} idempotency keys "
                    f"finished before {cutoff:%Y-%m-%d}"
                ),
            )
    return deleted


@task()
def clear_expired_sessions() -> int:
    """Remove expired sessions from the session store. Idempotent."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    get_model = getattr(store, "get_model_class", None)
    if get_model is None:
        store.clear_expired()  # a store that expires on its own (cache): nothing to count
        return 0
    with transaction.atomic():
        deleted, _ = get_model().objects.filter(expire_date__lt=timezone.now()).delete()
        if deleted:
            audit_task(
                "clear_expired_sessions",
                object_type="sessions.session",
                reason=f"deleted {deleted} expired sessions",
            )
    return deleted
