"""Doing a side effect outside the database once, although its task may run twice.

A task is retried after a failure and re-queued when its worker dies, so anything it
does outside the database (sending an email) needs a key: `run_once(key, action)` claims
the key, runs `action`, then marks the key done. A second run with the same key does
nothing. If `action` raises, the claim is released so a retry can try again; if the
worker dies in the middle, the claim expires after TASK_STALE_AFTER_SECONDS. (The one
window left — dead after sending, before marking done — can repeat the side effect:
at least once, never silently lost.)

The action runs outside any transaction: an SMTP exchange must not hold SQLite's write
lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tawasul.jobs.models import IdempotencyKey


def run_once(key: str, action: Callable[[], object]) -> bool:
    """Run `action` unless `key` was done (or is being done) already; True if it ran."""
    now = timezone.now()
    expired = now - dt.timedelta(seconds=settings.TASK_STALE_AFTER_SECONDS)
    with transaction.atomic():
        row, created = IdempotencyKey.objects.select_for_update().get_or_create(
            key=key, defaults={"claimed_at": now}
        )
        if not created:
            if row.done_at is not None or row.claimed_at > expired:
                return False
            row.claimed_at = now
            row.save(update_fields=["claimed_at"])
    try:
        action()
    except BaseException:
        IdempotencyKey.objects.filter(key=key, done_at__isnull=True).delete()
        raise
    IdempotencyKey.objects.filter(key=key).update(done_at=timezone.now())
    return True
