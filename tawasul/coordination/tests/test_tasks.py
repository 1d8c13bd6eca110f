"""Due dates by type and urgency, reminders to the embassy, and escalation of overdue
requests to the liaison officers: each once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tawasul.audit.models import AuditEntry
from tawasul.cases.models import Case, Notification
from tawasul.common.testing import World
from tawasul.coordination import services
from tawasul.coordination.due import request_due_at
from tawasul.coordination.models import CoordinationRequest
from tawasul.coordination.tasks import escalate_overdue_requests, send_request_reminders
from tawasul.coordination.tests.conftest import ask
from tawasul.jobs import schedule
from tawasul.people.models import Consent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("urgency", "days"), [("routine", 30), ("urgent", 10),
                                               ("emergency", 3)])
def test_due_dates_by_type_and_urgency(world: World, case: Case, consent: Consent,
                                       urgency: str, days: int) -> None:
    request = ask(world, case, urgency=urgency)
    assert request.due_at and request.sent_at and request.remind_at
    assert request.due_at - request.sent_at == dt.timedelta(days=days)
    assert request.sent_at < request.remind_at < request.due_at


def test_due_hours_are_configurable(settings: object) -> None:
    settings.COORDINATION_DUE_HOURS = {"interpreter": {"emergency": 2}}  # type: ignore[attr-defined]
    start = timezone.now()
    assert request_due_at("interpreter", "emergency", start) == start + dt.timedelta(hours=2)
    assert request_due_at("interpreter", "urgent", start) == start + dt.timedelta(days=2)


def _age(request: CoordinationRequest, days: float) -> None:
    delta = dt.timedelta(days=days)
    request.refresh_from_db()
    assert request.sent_at and request.due_at and request.remind_at
    CoordinationRequest.objects.filter(pk=request.pk).update(
        sent_at=request.sent_at - delta, due_at=request.due_at - delta,
        remind_at=request.remind_at - delta)


def test_the_embassy_is_reminded_once(world: World, request_sent: CoordinationRequest) -> None:
    assert send_request_reminders.call() == 0
    _age(request_sent, 25)  # past three quarters of 30 days, not yet due
    assert send_request_reminders.call() == 1
    assert send_request_reminders.call() == 0
    assert set(Notification.objects.filter(kind="coordination_due_soon")
               .values_list("recipient__username", flat=True)) == {"consul_ph", "viewer_ph"}
    assert escalate_overdue_requests.call() == 0


def test_overdue_requests_are_escalated_to_liaison_once(
    world: World, request_sent: CoordinationRequest
) -> None:
    _age(request_sent, 31)
    assert escalate_overdue_requests.call() == 1
    assert escalate_overdue_requests.call() == 0
    request_sent.refresh_from_db()
    assert request_sent.escalated_at is not None
    told = set(Notification.objects.filter(kind="coordination_overdue")
               .values_list("recipient__username", flat=True))
    assert told == {"liaison", "protection_manager"}
    assert AuditEntry.objects.filter(actor_username="system:escalate_overdue_requests").exists()
    # Overdue past the due date: no reminder any more.
    assert send_request_reminders.call() == 0


def test_answered_requests_are_not_escalated(world: World,
                                             request_sent: CoordinationRequest) -> None:
    services.request_fulfil(actor=world.consul_ph, request=request_sent)
    _age(request_sent, 31)
    assert escalate_overdue_requests.call() == 0


def test_the_jobs_are_scheduled() -> None:
    names = {job.name: job for job in schedule.jobs()}
    for name in ("coordination.reminders", "coordination.escalate_overdue"):
        assert name in names
        assert names[name].task() in (send_request_reminders, escalate_overdue_requests)
