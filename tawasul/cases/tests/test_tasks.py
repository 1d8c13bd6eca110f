"""Task reminders: due within a day or overdue, not done, once each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tawasul.cases import services
from tawasul.cases.models import Case, Task
from tawasul.cases.tasks import send_task_reminders
from tawasul.common.testing import World
from tawasul.jobs import schedule
from tawasul.jobs.tests.helpers import run_ready

pytestmark = pytest.mark.django_db


def make(world: World, case: Case, title: str, hours: float, **extra: object) -> Task:
    return services.task_create(actor=world.family_manager, case=case, title=title,
                                due_at=timezone.now() + dt.timedelta(hours=hours),
                                **extra)  # type: ignore[arg-type]


def test_reminders_are_sent_once(
    world: World, standard_case: Case, django_capture_on_commit_callbacks: object
) -> None:
    manager = world.family_manager
    manager.email = "manager@example.org"
    manager.save()
    soon = make(world, standard_case, "Title-soon", 5, assigned_to=manager)
    overdue = make(world, standard_case, "Title-overdue", -30)  # unassigned: the case's manager
    make(world, standard_case, "Later", 48, assigned_to=manager)
    done = make(world, standard_case, "Done", 1, assigned_to=manager)
    services.task_complete(actor=manager, task=done)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert send_task_reminders.call() == 2
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert send_task_reminders.call() == 0
    run_ready()
    run_ready()

    assert len(mail.outbox) == 2
    assert all(m.to == ["manager@example.org"] for m in mail.outbox)
    assert all(standard_case.reference in m.subject for m in mail.outbox)
    for message in mail.outbox:  # titles may hold case details: not in mail
        assert "Title-" not in message.body
        assert "Title-" not in str(getattr(message, "alternatives", ""))
    assert set(Task.objects.filter(reminder_sent_at__isnull=False)) == {soon, overdue}


def test_the_reminder_job_runs_hourly() -> None:
    job = {j.name: j for j in schedule.jobs()}["cases.task_reminders"]
    assert job.interval == dt.timedelta(hours=1)
    assert job.task() is send_task_reminders
