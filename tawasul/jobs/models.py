from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledJob(models.Model):
    """When each periodic job (tawasul.jobs.schedule) was last enqueued.

    One row per job name, locked while a scheduler decides whether the job is due, so
    that two schedulers, or one restarted, never enqueue the same run twice.
    """

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)
    # The task result enqueued last: a job is not enqueued again while it is still waiting.
    last_result_id = models.CharField(_("last task result"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A running worker says it is alive; a RUNNING task whose worker has stopped
    beating is taken to be orphaned and is re-queued (tawasul.jobs.worker.requeue_stale)."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class IdempotencyKey(models.Model):
    """A side effect outside the database (an email) that must happen once, whatever
    the number of times its task runs. See tawasul.jobs.idempotency.run_once."""

    key = models.CharField(_("key"), max_length=200, primary_key=True)
    claimed_at = models.DateTimeField(_("claimed"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return self.key
