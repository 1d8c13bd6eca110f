"""Background tasks of coordination requests (every 15 minutes, registered with the
scheduler by `register_periodic_jobs`, which the app calls at start-up).

Both concern requests waiting for the embassy (sent, acknowledged, in progress): a
reminder to the embassy once the reminder time has passed, and, past the due date, an
escalation to the foundation's liaison officers (who follow the embassies up) and to the
requesting case manager. Each request is claimed by a conditional update before anyone is
told, so a second run, a retry or two workers tell nobody twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from tawasul.coordination.models import (
    AWAITING_EMBASSY,
    CoordinationNotificationKind,
    CoordinationRequest,
)
from tawasul.coordination.services import (
    embassy_users,
    liaison_officers,
    notify,
    requesting_side,
)
from tawasul.jobs.auditing import audit_task
from tawasul.jobs.schedule import PeriodicJob, jobs, register

# One run's share; the next run takes the rest.
BATCH = 1000
INTERVAL = dt.timedelta(minutes=15)
PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("coordination.reminders", INTERVAL,
                "tawasul.coordination.tasks.send_request_reminders"),
    PeriodicJob("coordination.escalate_overdue", INTERVAL,
                "tawasul.coordination.tasks.escalate_overdue_requests"),
)


def register_periodic_jobs() -> None:
    known = {job.name for job in jobs()}
    for job in PERIODIC_JOBS:
        if job.name not in known:
            register(job)


def _claim_each(candidates: QuerySet[CoordinationRequest], field: str, now: dt.datetime,
                tell: Callable[[CoordinationRequest], None]) -> int:
    done = 0
    for pk in list(candidates.order_by("due_at").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            claimed = CoordinationRequest.objects.filter(
                pk=pk, status__in=AWAITING_EMBASSY, **{f"{field}__isnull": True}
            ).update(**{field: now})
            if not claimed:
                continue
            tell(CoordinationRequest.objects.select_related(
                "from_organization", "to_organization", "case__assigned_manager", "created_by",
            ).get(pk=pk))
            done += 1
    return done


def _remind(request: CoordinationRequest) -> None:
    notify(recipients=embassy_users(request), request=request,
           kind=CoordinationNotificationKind.DUE_SOON,
           key=f"coordination_due:{request.pk}", extra={"is_overdue": False})


def _escalate(request: CoordinationRequest) -> None:
    notify(recipients=[*liaison_officers(), *requesting_side(request, None)], request=request,
           kind=CoordinationNotificationKind.OVERDUE,
           key=f"coordination_overdue:{request.pk}", extra={"is_overdue": True})


@task()
def send_request_reminders() -> int:
    """Remind the embassy of a request whose reminder time has passed and which is not
    overdue yet (the escalation says more), once each."""
    now = timezone.now()
    candidates = CoordinationRequest.objects.filter(
        status__in=AWAITING_EMBASSY, reminder_sent_at__isnull=True, remind_at__lte=now,
        due_at__gt=now,
    )
    reminded = _claim_each(candidates, "reminder_sent_at", now, _remind)
    if reminded:
        audit_task("send_request_reminders",
                   object_type=CoordinationRequest._meta.label_lower,
                   fields=["reminder_sent_at"], reason=f"reminders for {reminded} requests")
    return reminded


@task()
def escalate_overdue_requests() -> int:
    """Escalate requests past their due date to the liaison officers and the requesting
    case manager, once each."""
    now = timezone.now()
    candidates = CoordinationRequest.objects.filter(
        status__in=AWAITING_EMBASSY, escalated_at__isnull=True, due_at__lte=now,
    )
    escalated = _claim_each(candidates, "escalated_at", now, _escalate)
    if escalated:
        audit_task("escalate_overdue_requests",
                   object_type=CoordinationRequest._meta.label_lower,
                   fields=["escalated_at"], reason=f"{escalated} requests escalated")
    return escalated
