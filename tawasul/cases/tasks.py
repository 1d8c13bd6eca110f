"""Background tasks of cases (scheduled in tawasul/jobs/schedule.py)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from tawasul.cases.models import Task as CaseTask
from tawasul.common.email import queue_templated_email
from tawasul.jobs.auditing import audit_task

REMINDER_HORIZON = dt.timedelta(hours=24)
# One run's share; the next hourly run takes the rest.
REMINDER_BATCH = 1000


@task()
def send_task_reminders() -> int:
    """Remind whoever holds an open task due within 24 hours (or overdue): its assignee,
    or the case's manager when nobody is assigned. Once per task: reminder_sent_at is
    claimed by a conditional update before the email is queued, and the email itself is
    keyed by task, so a second run, a retry or two workers send nothing more.

    The email names the case reference and the due time, not the task's title: titles
    may hold case details, and mail leaves the system.
    """
    now = timezone.now()
    due = (
        CaseTask.objects.filter(
            done_at__isnull=True, reminder_sent_at__isnull=True, due_at__lte=now + REMINDER_HORIZON
        )
        .filter(
            Q(assigned_to__is_active=True)
            | Q(assigned_to__isnull=True, case__assigned_manager__is_active=True)
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:REMINDER_BATCH]
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = CaseTask.objects.filter(
                pk=pk, done_at__isnull=True, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            item = CaseTask.objects.select_related(
                "case", "assigned_to", "case__assigned_manager"
            ).get(pk=pk)
            recipient = item.assigned_to or item.case.assigned_manager
            queue_templated_email(
                user=recipient, template="task_reminder",
                context={"case_reference": item.case.reference, "due_at": item.due_at,
                         "is_overdue": item.due_at < now},
                key=f"task_reminder:{item.pk}",
            )
            sent += 1
    if sent:
        audit_task("send_task_reminders", object_type=CaseTask._meta.label_lower,
                   fields=["reminder_sent_at"], reason=f"reminders queued for {sent} tasks")
    return sent
