"""Due dates by urgency, reminders and overdue flags: each once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tawasul.audit.models import AuditEntry
from tawasul.cases.models import Case, Notification
from tawasul.common.testing import World
from tawasul.jobs import schedule
from tawasul.jobs.tests.helpers import run_ready
from tawasul.referrals import services
from tawasul.referrals.due import referral_due_at
from tawasul.referrals.models import Referral
from tawasul.referrals.tasks import flag_overdue_referrals, send_referral_reminders
from tawasul.referrals.tests.conftest import send

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("urgency", "hours"), [("emergency", 4), ("urgent", 48),
                                                 ("routine", 240)])
def test_due_dates_by_urgency(world: World, restricted_case: Case, urgency: str,
                              hours: int) -> None:
    referral = send(world, restricted_case, urgency=urgency)
    assert referral.due_at - referral.sent_at == dt.timedelta(hours=hours)
    assert referral.sent_at < referral.remind_at < referral.due_at


def test_due_hours_are_configurable(settings: object) -> None:
    settings.REFERRAL_DUE_HOURS = {"emergency": 2}  # type: ignore[attr-defined]
    start = timezone.now()
    assert referral_due_at("emergency", start) == start + dt.timedelta(hours=2)
    assert referral_due_at("urgent", start) == start + dt.timedelta(hours=48)


def _age(referral: Referral, hours: float) -> None:
    """Move the referral's clock back by `hours`, as if sent that long ago."""
    delta = dt.timedelta(hours=hours)
    referral.refresh_from_db()
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=referral.sent_at - delta, due_at=referral.due_at - delta,
        remind_at=referral.remind_at - delta,
    )


def test_overdue_flagging_is_idempotent(
    world: World, restricted_case: Case, django_capture_on_commit_callbacks: object
) -> None:
    world.family_director.email = "director@family.example"
    world.family_director.save()
    late = send(world, restricted_case, urgency="emergency")
    _age(late, 5)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert flag_overdue_referrals.call() == 1
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert flag_overdue_referrals.call() == 0
    run_ready()
    run_ready()
    assert Referral.objects.get(pk=late.pk).overdue_flagged_at is not None
    assert Notification.objects.filter(recipient=world.family_director,
                                       kind="referral_overdue").count() == 1
    # The email of the sending was never enqueued (its commit was not captured): this
    # one is the overdue notice, once.
    [message] = mail.outbox
    assert message.to == ["director@family.example"] and late.reference in message.subject
    assert AuditEntry.objects.filter(actor_username="system:flag_overdue_referrals").count() == 1


def test_decided_and_not_yet_due_referrals_are_not_flagged(
    world: World, restricted_case: Case, referral: Referral
) -> None:
    services.referral_decline(actor=world.family_manager, referral=referral, reason="Full")
    _age(referral, 1000)
    fresh = send(world, restricted_case, urgency="routine")
    assert flag_overdue_referrals.call() == 0
    assert Referral.objects.get(pk=fresh.pk).overdue_flagged_at is None


def test_reminders_before_the_due_date_once(world: World, restricted_case: Case) -> None:
    referral = send(world, restricted_case, urgency="emergency")
    assert send_referral_reminders.call() == 0  # not yet
    _age(referral, 3.5)  # remind at 3 h, due at 4 h
    assert send_referral_reminders.call() == 1
    assert send_referral_reminders.call() == 0
    assert Notification.objects.filter(recipient=world.family_director,
                                       kind="referral_due_soon").count() == 1
    _age(referral, 1)
    assert send_referral_reminders.call() == 0  # overdue now: the flag says it
    assert flag_overdue_referrals.call() == 1


def test_the_jobs_run_every_quarter_hour() -> None:
    jobs = {j.name: j for j in schedule.jobs()}
    assert jobs["referrals.flag_overdue"].interval == dt.timedelta(minutes=15)
    assert jobs["referrals.flag_overdue"].task() is flag_overdue_referrals
    assert jobs["referrals.reminders"].interval == dt.timedelta(minutes=15)
    assert jobs["referrals.reminders"].task() is send_referral_reminders
